-- Whether the temporary table $1 has the column $2.
SELECT count(*) > 0 FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = $1 AND column_name = $2;
