-- One file's entry in the ledger. rows_loaded and rows_superseded are filled in by
-- sql/ops/reconcile_ledger.sql once the transform has run. The header and the columns added
-- since the feed's last loaded file arrive as JSON arrays of text.
INSERT INTO ops.file_ledger
    (file_id, provider, feed, entity, file_name, sha256, size_bytes, received_at, batch_id,
     status, rows_read, rows_quarantined, message, header, added_columns)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
        from_json(CAST(? AS JSON), '["VARCHAR"]'), from_json(CAST(? AS JSON), '["VARCHAR"]'));
