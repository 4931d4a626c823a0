-- The next file id: ids are handed out in the order files are landed.
SELECT coalesce(max(file_id), 0) + 1 FROM ops.file_ledger;
