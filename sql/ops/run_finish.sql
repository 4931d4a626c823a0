-- Closes a run with its outcome and the totals of the files it landed.
UPDATE ops.runs SET
    finished_at = ?, status = ?, files_new = ?, files_skipped = ?, files_rejected = ?,
    rows_read = t.rows_read, rows_loaded = t.rows_loaded,
    rows_quarantined = t.rows_quarantined, rows_superseded = t.rows_superseded, message = ?
FROM (
    SELECT coalesce(sum(rows_read), 0) AS rows_read, coalesce(sum(rows_loaded), 0) AS rows_loaded,
           coalesce(sum(rows_quarantined), 0) AS rows_quarantined, coalesce(sum(rows_superseded), 0) AS rows_superseded
    FROM ops.file_ledger WHERE batch_id = ? AND status = 'loaded'
) AS t
WHERE run_id = ?;
