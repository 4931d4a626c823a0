-- Retention: the rows of one file in raw, and in the Parquet file written for it.
SELECT (SELECT count(*) FROM raw.{{ident .Table}} WHERE _file_id = {{.FileID}}),
       (SELECT count(*) FROM read_parquet({{literal .Path}}));
