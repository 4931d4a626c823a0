-- ccare sql's .tables: the tables and views of core, the user views (uv_*) and analyst, with
-- their descriptions from the data dictionary.
SELECT schema_name || '.' || table_name AS "table", 'table' AS kind, comment AS description
FROM duckdb_tables()
WHERE database_name = current_database() AND (schema_name IN ('core', 'analyst') OR schema_name LIKE 'uv\_%' ESCAPE '\')
UNION ALL
SELECT schema_name || '.' || view_name, 'view', comment
FROM duckdb_views()
WHERE database_name = current_database() AND schema_name LIKE 'uv\_%' ESCAPE '\'
ORDER BY 1;
