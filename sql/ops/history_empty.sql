-- Whether history holds no version yet (no history.*_version table, or none with a row): the
-- first build of a warehouse. History is only appended to, so its tables' row counts are
-- exact in duckdb_tables().
SELECT coalesce(sum(estimated_size), 0) = 0 FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'history' AND ends_with(table_name, '_version');
