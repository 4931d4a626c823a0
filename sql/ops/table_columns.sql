-- A table's columns and their types, in order ($1 schema, $2 table; none if it does not exist).
SELECT column_name, data_type FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2
ORDER BY column_index;
