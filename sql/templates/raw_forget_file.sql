-- Replay: removes one file's rows from raw.{{ident .Table}} before the file is landed again.
DELETE FROM raw.{{ident .Table}} WHERE _file_sha256 = ?;
