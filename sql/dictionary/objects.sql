-- The tables and views the data dictionary describes (core, the uv_* user views, analyst),
-- each column in order, with the descriptions the warehouse holds for them (COMMENT ON).
SELECT c.schema_name, c.table_name, v.view_name IS NOT NULL AS is_view,
       coalesce(t.comment, v.comment) AS table_comment,
       c.column_name, c.data_type, c.comment AS column_comment
FROM duckdb_columns() c
LEFT JOIN duckdb_tables() t
       ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
LEFT JOIN duckdb_views() v
       ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
WHERE c.database_name = current_database()
  AND (c.schema_name IN ('core', 'analyst') OR c.schema_name LIKE 'uv\_%' ESCAPE '\')
ORDER BY c.schema_name, c.table_name, c.column_index;
