-- Whether $1.$2 is a table (not a view) of this warehouse.
SELECT count(*) > 0 FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2;
