-- Buffer memory DuckDB keeps once used, instead of handing it back to the system
-- (load/warehouse.go, keepBufferMemory). A setting takes no parameters, hence a template.
SET GLOBAL block_allocator_memory = {{literal .Size}};
