-- history.{{ident .Table}}_version ← core.{{ident .Table}} (key: {{range $i, $k := .Key}}{{if $i}}, {{end}}{{$k}}{{end}}): run after
-- core.{{ident .Table}} is rebuilt or merged into, in the same transaction. A record new to core,
-- changed, or back after a removal gets a new version; a record gone from core (withdrawn,
-- merged away, unlinked) gets a removal; an unchanged record gets nothing, so history grows
-- with change, not with runs. Appends only: no version is ever updated, so history costs a
-- run (and its checkpoint) only the rows it adds. A version keeps the lineage of the row that
-- first carried it; core has the latest. _version is a 64-bit hash of the record's values
-- (doubles rounded to 9 places, so that floating-point noise is not a change). After the
-- hourly job, only the records it touched (incremental_touched_{{.Table}}, from
-- sql/incremental) are compared: the rest cannot have changed. Their rows now in core are
-- read from incremental_current_{{.Table}} where the merge kept them (Current), which spares
-- two scans of the whole of core for a batch's few records.
{{- define "current"}}{{if .Current}}incremental_current_{{.Table}}{{else}}core.{{ident .Table}}{{end}}{{end}}
CREATE OR REPLACE TEMP TABLE history_next AS
SELECT {{range .Key}}c.{{ident .}}, {{end}}hash({{range $i, $c := .Hashed}}{{if $i}}, {{end}}{{$c}}{{end}}) AS _version
FROM {{template "current" .}} AS c
{{- if and .Touched (not .Current)}}
SEMI JOIN incremental_touched_{{.Table}} AS t ON {{range $i, $k := .Key}}{{if $i}} AND {{end}}t.{{ident $k}} = c.{{ident $k}}{{end}}
{{- end}};

SELECT error('history.{{.Table}}: core.{{.Table}} has ' || count(*) || ' keys on more than one row')
FROM (
    -- keys repeated, looked for among those whose 64-bit hash repeats: a grouping of
    -- integers rather than of millions of key texts, then exact among the few candidates
    SELECT 1 FROM history_next AS c
    SEMI JOIN (SELECT hash({{range $i, $k := .Key}}{{if $i}}, {{end}}{{ident $k}}{{end}}) AS h FROM history_next GROUP BY 1 HAVING count(*) > 1) d ON d.h = hash({{range $i, $k := .Key}}{{if $i}}, {{end}}c.{{ident $k}}{{end}})
    GROUP BY {{range $i, $k := .Key}}{{if $i}}, {{end}}c.{{ident $k}}{{end}} HAVING count(*) > 1
)
HAVING count(*) > 0;

-- Each record's latest version or removal so far. Where the merge says which touched records
-- core had before (InCore), only those are looked up: history commits with core, so a record
-- that was not in core has no version still current (none at all, or a removal last), and
-- either way it gets a version if it is in core now and no removal. In an hourly batch of new
-- attendances that is most records, and a look-up is a scan of every version's key.
CREATE OR REPLACE TEMP TABLE history_latest AS
SELECT {{range .Key}}h.{{ident .}}, {{end}}arg_max(h._version, h.valid_from_run) AS _version, arg_max(h.removed, h.valid_from_run) AS removed
FROM history.{{ident (print .Table "_version")}} AS h
{{- if .Touched}}
SEMI JOIN (SELECT * FROM incremental_touched_{{.Table}}{{if .InCore}} WHERE in_core{{end}}) AS t ON {{range $i, $k := .Key}}{{if $i}} AND {{end}}t.{{ident $k}} = h.{{ident $k}}{{end}}
{{- end}}
GROUP BY ALL;

INSERT INTO history.{{ident (print .Table "_version")}} BY NAME
SELECT c.*, n._version, {{.Run}} AS valid_from_run, {{literal .Now}}::TIMESTAMPTZ AS valid_from, false AS removed
FROM {{template "current" .}} c
JOIN history_next n ON {{range $i, $k := .Key}}{{if $i}} AND {{end}}n.{{ident $k}} = c.{{ident $k}}{{end}}
LEFT JOIN history_latest l ON {{range $i, $k := .Key}}{{if $i}} AND {{end}}l.{{ident $k}} = c.{{ident $k}}{{end}}
WHERE l._version IS NULL OR l.removed OR l._version <> n._version;

INSERT INTO history.{{ident (print .Table "_version")}} BY NAME
SELECT {{range .Key}}l.{{ident .}}, {{end}}{{.Run}} AS valid_from_run, {{literal .Now}}::TIMESTAMPTZ AS valid_from, true AS removed
FROM history_latest l
ANTI JOIN history_next n ON {{range $i, $k := .Key}}{{if $i}} AND {{end}}n.{{ident $k}} = l.{{ident $k}}{{end}}
WHERE NOT l.removed;

DROP TABLE history_next;
DROP TABLE history_latest;
{{- if .Touched}}
DROP TABLE incremental_touched_{{.Table}};
{{- end}}
{{- if .Current}}
DROP TABLE incremental_current_{{.Table}};
{{- end}}
