-- Rows of one warehouse table, for the lake's manifest.
SELECT count(*) FROM {{ident .Schema}}.{{ident .Table}};
