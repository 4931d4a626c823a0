-- DuckDB's memory now (logged after each transform step with --verbose): what its buffer
-- manager holds in memory and in temporary files, in MB, and the largest holder.
SELECT
    CAST(sum(memory_usage_bytes) / 1e6 AS DECIMAL(10, 1))      AS memory_mb,
    CAST(sum(temporary_storage_bytes) / 1e6 AS DECIMAL(10, 1)) AS temporary_mb,
    arg_max(tag, memory_usage_bytes)                           AS largest
FROM duckdb_memory();
