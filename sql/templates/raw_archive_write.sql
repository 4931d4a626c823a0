-- Retention: one superseded file's rows, as they were landed (every column, lineage
-- included), to a Parquet file of the archive. load.ArchiveSuperseded checks the rows written
-- against the rows in raw before any leaves raw.
COPY (SELECT * FROM raw.{{ident .Table}} WHERE _file_id = {{.FileID}}) TO {{literal .Path}}
    (FORMAT parquet, COMPRESSION zstd);
