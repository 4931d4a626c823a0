-- The memory limit in effect, as DuckDB writes it (e.g. "2.7 GiB"): the configured
-- duckdb.memory_limit, or DuckDB's default of 80% of RAM.
SELECT current_setting('memory_limit');
