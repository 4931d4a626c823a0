-- How many rows a table holds (the hourly job skips the work of tables its batch left empty).
SELECT count(*) FROM {{ident .Schema}}.{{ident .Table}};
