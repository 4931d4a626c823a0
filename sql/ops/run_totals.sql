-- Totals over the files a run landed, for ops.runs.
SELECT
    coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0),
    coalesce(sum(rows_quarantined), 0), coalesce(sum(rows_superseded), 0)
FROM ops.file_ledger
WHERE batch_id = ?;
