-- The data dictionary's descriptions (sql/dictionary.yaml) as comments on the warehouse's
-- tables, views and columns, where duckdb_tables(), duckdb_views(), duckdb_columns() show them.
{{range .}}{{if .Column}}COMMENT ON COLUMN {{ident .Schema}}.{{ident .Table}}.{{ident .Column}} IS {{literal .Text}};
{{else}}COMMENT ON {{.Kind}} {{ident .Schema}}.{{ident .Table}} IS {{literal .Text}};
{{end}}{{end}}
