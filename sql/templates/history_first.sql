-- history.{{ident .Table}}_version ← core.{{ident .Table}} when history holds nothing yet (the first
-- run of a warehouse): every record is new, so each gets its first version straight from
-- core, without the comparison with earlier versions that history_merge.sql makes (at a
-- million people that comparison is a join of millions of rows with nothing to find).
SELECT error('history.{{.Table}}: core.{{.Table}} has ' || count(*) || ' keys on more than one row')
FROM (
    -- keys repeated, looked for among those whose 64-bit hash repeats: a grouping of
    -- integers rather than of millions of key texts, then exact among the few candidates
    SELECT 1 FROM core.{{ident .Table}} AS c
    SEMI JOIN (SELECT hash({{range $i, $k := .Key}}{{if $i}}, {{end}}{{ident $k}}{{end}}) AS h FROM core.{{ident .Table}} GROUP BY 1 HAVING count(*) > 1) d ON d.h = hash({{range $i, $k := .Key}}{{if $i}}, {{end}}c.{{ident $k}}{{end}})
    GROUP BY {{range $i, $k := .Key}}{{if $i}}, {{end}}c.{{ident $k}}{{end}} HAVING count(*) > 1
)
HAVING count(*) > 0;

INSERT INTO history.{{ident (print .Table "_version")}} BY NAME
SELECT c.*, hash({{range $i, $c := .Hashed}}{{if $i}}, {{end}}{{$c}}{{end}}) AS _version,
       {{.Run}} AS valid_from_run, {{literal .Now}}::TIMESTAMPTZ AS valid_from, false AS removed
FROM core.{{ident .Table}} AS c;
