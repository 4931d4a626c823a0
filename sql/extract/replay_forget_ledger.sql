-- Replay: the file's ledger entry makes way for the new reading (see extract/replay_forget.sql).
DELETE FROM ops.file_ledger WHERE provider = ? AND feed = ? AND sha256 = ?;
