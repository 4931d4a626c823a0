-- One table of the warehouse → Parquet in the lake snapshot being built. Tables with a
-- provider column are split by it (hive layout provider=<id>/), so an analyst reading one
-- provider's rows reads only its files.
COPY (SELECT * FROM {{ident .Schema}}.{{ident .Table}}) TO {{literal .Path}}
    (FORMAT parquet, COMPRESSION zstd{{if .Partitioned}}, PARTITION_BY (provider), OVERWRITE_OR_IGNORE{{end}});
