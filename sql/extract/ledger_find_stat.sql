-- A file loaded before under the same name, size and modification time ($4, as received_at):
-- its sha256, so that a run need not read the whole file again to know it. A file rewritten
-- in place has a new modification time and is hashed and compared as usual.
SELECT sha256 FROM ops.file_ledger
WHERE provider = $1 AND feed = $2 AND file_name = $3 AND size_bytes = $5 AND received_at = $4 AND status = 'loaded'
ORDER BY file_id DESC
LIMIT 1;
