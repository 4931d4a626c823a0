-- Retention: where a superseded file's raw rows now are ($2, a Parquet file), and when.
UPDATE ops.file_ledger SET archived_to = $2, archived_at = now() WHERE file_id = $1;
