-- Whether the core has been built at least once (a first run with an empty inbox still builds it).
SELECT count(*) > 0 FROM duckdb_tables() WHERE schema_name = 'core' AND table_name = 'person';
