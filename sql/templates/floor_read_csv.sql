-- The benchmark's floor (ccare bench): DuckDB alone reading one delimited-text file into a
-- table, every value as text, with the same layout options the feed declares. No lineage,
-- no checks, no mapping: the least any pipeline must spend to have the file in DuckDB.
CREATE OR REPLACE TABLE main.{{ident .Table}} AS
SELECT * FROM read_csv({{literal .Path}}, header = true, all_varchar = true, ignore_errors = true, {{.Options}});
