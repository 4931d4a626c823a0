-- A rejected file is tried again on every run (its configuration may have been fixed);
-- its old verdict makes way for the new one.
DELETE FROM ops.file_ledger WHERE provider = ? AND feed = ? AND sha256 = ? AND status = 'rejected';
