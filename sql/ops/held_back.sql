-- A whole extract the shrink guard held back (too few rows to supersede its feed's current
-- extract): why, in the ledger, for the operator and the status queries ($1 file id, $2 why).
UPDATE ops.file_ledger SET message = $2 WHERE file_id = $1;
