-- Closes a run with its outcome and the totals of the files it landed.
UPDATE ops.runs SET
    finished_at = ?, status = ?, files_new = ?, files_skipped = ?, files_rejected = ?, message = ?,
    rows_read        = (SELECT coalesce(sum(f.rows_read), 0)        FROM ops.file_ledger f WHERE f.batch_id = runs.run_id AND f.status = 'loaded'),
    rows_loaded      = (SELECT coalesce(sum(f.rows_loaded), 0)      FROM ops.file_ledger f WHERE f.batch_id = runs.run_id AND f.status = 'loaded'),
    rows_quarantined = (SELECT coalesce(sum(f.rows_quarantined), 0) FROM ops.file_ledger f WHERE f.batch_id = runs.run_id AND f.status = 'loaded'),
    rows_superseded  = (SELECT coalesce(sum(f.rows_superseded), 0)  FROM ops.file_ledger f WHERE f.batch_id = runs.run_id AND f.status = 'loaded')
WHERE run_id = ?;
