-- Retention: the superseded whole extracts whose rows are still in raw.*, oldest first. Each
-- is written to the archive (Parquet) and then removed from raw (load.ArchiveSuperseded).
SELECT file_id, provider, feed, file_name, sha256
FROM ops.file_ledger
WHERE status = 'loaded' AND superseded_by IS NOT NULL AND archived_to IS NULL
ORDER BY file_id;
