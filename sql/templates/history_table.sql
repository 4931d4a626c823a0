-- history.{{ident .Table}}: core.{{ident .Table}}'s columns, then the version's hash and validity
-- interval (sql/templates/history_merge.sql fills it).
CREATE TABLE IF NOT EXISTS history.{{ident .Table}} (
{{- range .Columns}}
    {{ident .Name}} {{.Type}},
{{- end}}
    _version       UBIGINT,
    valid_from_run BIGINT,
    valid_from     TIMESTAMPTZ,
    valid_to_run   BIGINT,
    valid_to       TIMESTAMPTZ,
    is_current     BOOLEAN
);
