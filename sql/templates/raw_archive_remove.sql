-- Retention: a superseded file's rows leave raw once its archive file is in place, in the
-- transaction that records where they went (ops.file_ledger.archived_to).
DELETE FROM raw.{{ident .Table}} WHERE _file_id = {{.FileID}};
