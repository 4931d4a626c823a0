-- ccare sql's .describe: a table's or view's columns, types and descriptions ($1: schema.table).
SELECT column_name AS "column", data_type AS type, comment AS description
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name || '.' || table_name = $1
ORDER BY column_index;
