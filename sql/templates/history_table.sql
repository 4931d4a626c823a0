-- history.{{ident .Table}}_version: every version of core.{{ident .Table}}'s records, appended to and
-- never updated (sql/templates/history_merge.sql): core's columns, the version's hash, the
-- run and time it became current, and removed (a row saying the record left core then: only
-- its key is set). history.{{ident .Table}} is the view analysts query: each version with the run
-- and time it stopped being current (valid_to_run, valid_to; NULL while current) and
-- is_current; history.{{ident .Table}}_as_of(run_id) is the table as that run left it.
CREATE TABLE IF NOT EXISTS history.{{ident (print .Table "_version")}} (
{{- range .Columns}}
    {{ident .Name}} {{.Type}},
{{- end}}
    _version       UBIGINT,
    valid_from_run BIGINT NOT NULL,
    valid_from     TIMESTAMPTZ NOT NULL,
    removed        BOOLEAN NOT NULL
);
