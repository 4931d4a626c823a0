-- Whether this connection holds the temporary table $1.
SELECT count(*) > 0 FROM duckdb_tables() WHERE temporary AND table_name = $1;
