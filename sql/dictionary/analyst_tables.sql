-- The tables the analyst schema holds now.
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'analyst';
