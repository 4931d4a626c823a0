-- The ledger's verdict on a file already seen (by content, not name): loaded or rejected.
SELECT file_id, status, file_name FROM ops.file_ledger WHERE provider = ? AND feed = ? AND sha256 = ?;
