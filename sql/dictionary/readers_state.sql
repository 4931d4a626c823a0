-- What the warehouse holds for its readers: whether there is an analyst schema, and whether
-- all six user-view schemas are there (a warehouse made before them has none).
SELECT count(*) FILTER (WHERE schema_name = 'analyst') > 0,
       count(*) FILTER (WHERE schema_name IN ('uv_urgent_care', 'uv_gp', 'uv_acute', 'uv_social_care', 'uv_community', 'uv_mental_health')) = 6
FROM duckdb_schemas()
WHERE database_name = current_database();
