-- The providers of one warehouse table with a provider column, and their rows: the lake's
-- folders (load/lake.go) and, summed, the table's rows for the manifest.
SELECT provider, count(*) FROM {{ident .Schema}}.{{ident .Table}} GROUP BY provider ORDER BY provider;
