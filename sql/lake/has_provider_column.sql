-- Whether a table has a provider column to partition the lake by.
SELECT count(*) > 0 FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? AND column_name = 'provider';
