-- history.{{ident .Table}} ← core.{{ident .Table}}: one row per version of each record (key:
-- {{range $i, $k := .Key}}{{if $i}}, {{end}}{{$k}}{{end}}), with the run and time it became current (valid_from_run,
-- valid_from) and stopped being so (valid_to_run, valid_to; NULL while current). Run after
-- core.{{ident .Table}} is rebuilt, in the same transaction: a record whose values changed
-- gets a new version, one no longer in core (withdrawn, merged away, replayed out) has its
-- version closed, and an unchanged one is left alone, so history grows with change, not with
-- the number of runs. Lineage columns (_provider … _batch_id) are not part of a version: an
-- unchanged record sent again keeps its version, whose lineage follows the latest file.
-- _version is a 64-bit hash of the record's values (doubles rounded to 9 places, so that
-- floating-point noise is not a change).
CREATE OR REPLACE TEMP TABLE history_next AS
SELECT {{range .Key}}{{ident .}}, {{end}}hash({{range $i, $c := .Hashed}}{{if $i}}, {{end}}{{$c}}{{end}}) AS _version
FROM core.{{ident .Table}};

SELECT error('history.{{.Table}}: core.{{.Table}} has ' || count(*) || ' keys on more than one row')
FROM (SELECT 1 FROM history_next GROUP BY {{range $i, $k := .Key}}{{if $i}}, {{end}}{{ident $k}}{{end}} HAVING count(*) > 1)
HAVING count(*) > 0;

UPDATE history.{{ident .Table}} AS h
SET valid_to_run = {{.Run}}, valid_to = {{literal .Now}}::TIMESTAMPTZ, is_current = false
WHERE h.is_current AND NOT EXISTS (
    SELECT 1 FROM history_next n
    WHERE {{range $i, $k := .Key}}{{if $i}} AND {{end}}n.{{ident $k}} = h.{{ident $k}}{{end}} AND n._version = h._version
);

{{if .Lineage}}UPDATE history.{{ident .Table}} AS h
SET _provider = c._provider, _feed = c._feed, _file_sha256 = c._file_sha256,
    _row_number = c._row_number, _line = c._line, _batch_id = c._batch_id
FROM core.{{ident .Table}} AS c
WHERE h.is_current AND {{range $i, $k := .Key}}{{if $i}} AND {{end}}c.{{ident $k}} = h.{{ident $k}}{{end}}
  AND (c._file_sha256, c._row_number, c._batch_id) IS DISTINCT FROM (h._file_sha256, h._row_number, h._batch_id);
{{end}}
INSERT INTO history.{{ident .Table}} BY NAME
SELECT c.*, n._version, {{.Run}} AS valid_from_run, {{literal .Now}}::TIMESTAMPTZ AS valid_from,
       CAST(NULL AS BIGINT) AS valid_to_run, CAST(NULL AS TIMESTAMPTZ) AS valid_to, true AS is_current
FROM core.{{ident .Table}} c
JOIN history_next n ON {{range $i, $k := .Key}}{{if $i}} AND {{end}}n.{{ident $k}} = c.{{ident $k}}{{end}}
WHERE NOT EXISTS (
    SELECT 1 FROM history.{{ident .Table}} h
    WHERE h.is_current AND {{range $i, $k := .Key}}{{if $i}} AND {{end}}h.{{ident $k}} = c.{{ident $k}}{{end}}
);

DROP TABLE history_next;

-- The state as of a run: history.{{.Table}}_as_of(run_id) (see ops.runs for when each ran).
CREATE OR REPLACE MACRO history.{{ident (print .Table "_as_of")}}(run) AS TABLE
SELECT * EXCLUDE (_version, valid_to_run, valid_to, is_current)
FROM history.{{ident .Table}}
WHERE valid_from_run <= run AND (valid_to_run IS NULL OR valid_to_run > run);
