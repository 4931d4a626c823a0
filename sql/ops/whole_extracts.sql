-- A whole feed's files still read by the nightly job ($1 provider, $2 feed), in the order they
-- landed: those not yet superseded by a later whole extract (load.Supersede decides).
SELECT file_id, file_name, rows_read
FROM ops.file_ledger
WHERE provider = $1 AND feed = $2 AND status = 'loaded' AND superseded_by IS NULL
ORDER BY file_id;
