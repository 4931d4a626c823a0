-- Whether the analyst schema exists (1) or not (0).
SELECT count(*) FROM duckdb_schemas() WHERE database_name = current_database() AND schema_name = 'analyst';
