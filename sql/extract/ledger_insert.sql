-- One file's entry in the ledger. rows_loaded and rows_superseded are filled in by
-- sql/ops/reconcile_ledger.sql once the transform has run.
INSERT INTO ops.file_ledger
    (file_id, provider, feed, entity, file_name, sha256, size_bytes, received_at, batch_id,
     status, rows_read, rows_quarantined, message)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
