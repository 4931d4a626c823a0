-- Files that break row conservation: any row here is a silent loss (or a double count) and
-- fails the run.
SELECT provider, feed, file_name, rows_read, rows_loaded, rows_quarantined, rows_superseded
FROM ops.file_ledger
WHERE status = 'loaded'
  AND rows_read <> rows_loaded + rows_quarantined + rows_superseded
ORDER BY file_id;
