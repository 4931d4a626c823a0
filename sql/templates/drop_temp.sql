-- A scratch table no longer needed.
DROP TABLE IF EXISTS {{ident .Table}};
