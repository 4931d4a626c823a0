-- history.{{ident .Table}}: the versions of core.{{ident .Table}}'s records with their validity
-- intervals, from history.{{ident .Table}}_version (see templates/history_table.sql). A version
-- is current until the next version or removal of its record.
CREATE OR REPLACE VIEW history.{{ident .Table}} AS
SELECT * EXCLUDE (_version, removed), valid_to_run IS NULL AS is_current
FROM (
    SELECT v.*,
           lead(v.valid_from_run) OVER w AS valid_to_run,
           lead(v.valid_from) OVER w AS valid_to
    FROM history.{{ident (print .Table "_version")}} v
    WINDOW w AS (PARTITION BY {{range $i, $k := .Key}}{{if $i}}, {{end}}v.{{ident $k}}{{end}} ORDER BY v.valid_from_run)
)
WHERE NOT removed;

-- The state as of a run: history.{{.Table}}_as_of(run_id) (see ops.runs for when each ran).
CREATE OR REPLACE MACRO history.{{ident (print .Table "_as_of")}}(run) AS TABLE
SELECT * EXCLUDE (valid_to_run, valid_to, is_current)
FROM history.{{ident .Table}}
WHERE valid_from_run <= run AND (valid_to_run IS NULL OR valid_to_run > run);
