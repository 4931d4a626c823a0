-- Whether this connection holds the temporary view $1 (a quality rule file that counts the
-- rows it checks itself defines quality_counts).
SELECT count(*) > 0 FROM duckdb_views() WHERE temporary AND view_name = $1;
