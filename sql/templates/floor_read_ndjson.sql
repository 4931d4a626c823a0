-- The benchmark's floor (ccare bench): DuckDB alone reading one NDJSON file (a FHIR bulk
-- export) into a table, one JSON value per line, as read_ndjson_objects reads it (a malformed line skipped, as
-- the pipeline quarantines it).
CREATE OR REPLACE TABLE main.{{ident .Table}} AS
SELECT * FROM read_ndjson_objects({{literal .Path}}, ignore_errors = true);
