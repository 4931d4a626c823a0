-- The next file id: the run hands ids out from here in the order it finds the files, before
-- landing them (several at once, each in its own transaction).
SELECT coalesce(max(file_id), 0) + 1 FROM ops.file_ledger;
