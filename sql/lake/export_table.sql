-- One table of the warehouse → Parquet in the lake snapshot being built. Tables with a
-- provider column are split by it (hive layout provider=<id>/), so an analyst reading one
-- provider's rows reads only its files: load/lake.go writes one provider at a time
-- (Provider: its rows, without the column, which the folder's name gives), or, where a
-- value cannot be a folder name as it is, lets DuckDB split the table (Partitioned).
{{- if .Provider}}
COPY (SELECT * EXCLUDE (provider) FROM {{ident .Schema}}.{{ident .Table}} WHERE provider = {{literal .Provider}}) TO {{literal .Path}}
    (FORMAT parquet, COMPRESSION zstd);
{{- else}}
COPY (SELECT * FROM {{ident .Schema}}.{{ident .Table}}) TO {{literal .Path}}
    (FORMAT parquet, COMPRESSION zstd{{if .Partitioned}}, PARTITION_BY (provider), OVERWRITE_OR_IGNORE{{end}});
{{- end}}
