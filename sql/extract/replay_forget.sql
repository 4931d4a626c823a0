-- Replay: a loaded file is read again from the inbox (after a fix to its mapping or its
-- reader). Its extract-stage quarantine makes way for the new reading, in the transaction
-- that lands it again; so do its ledger entry (extract/replay_forget_ledger.sql) and its raw
-- rows (templates/raw_forget_file.sql).
DELETE FROM quality.quarantine WHERE stage = 'extract' AND provider = ? AND feed = ? AND file_sha256 = ?;
