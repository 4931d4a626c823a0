-- Applies the quality rule file that has just run (transform runs this after each file in
-- sql/quality/). A rule file defines the temporary view quality_check: one row per source row
-- (and value) a rule looked at, with whether it failed and why. Here its rows checked are
-- counted, and its failures go to quality.quarantine (error rules: the row is held back) or
-- quality.flag (warning rules: the row loads, flagged), by the rule's severity in the catalogue.
-- For the hourly job's small batch (Batch), the view is computed once into a table when it
-- is read twice below (for the counts and for the failures): its checks (a Verhoeff digit per
-- code) cost more than the rows. A rule file that counts its own rows (quality_counts) reads
-- the view once, for its failures, and a table would only be written to be read once (a
-- second of the hourly job for the date rules at a million people). A nightly's millions of
-- rows stream through the view, which needs no memory.
-- Only what the counts need is kept of a row that passed: storing every checked row's
-- text (file hash, feed, reason) took twice as long as computing the checks.
{{- $materialize := and .Batch (not .Counts)}}
{{- $source := "quality_check"}}{{if $materialize}}{{$source = "quality_check_rows"}}{{end}}
{{- if $materialize}}
CREATE OR REPLACE TEMP TABLE quality_check_rows AS
SELECT rule_id, _provider, _file_id, _row_number, failed,
       CASE WHEN failed THEN _feed END AS _feed,
       CASE WHEN failed THEN _file_sha256 END AS _file_sha256,
       CASE WHEN failed THEN _line END AS _line,
       CASE WHEN failed THEN _batch_id END AS _batch_id,
       CASE WHEN failed THEN reason END AS reason
FROM quality_check;
{{- end}}

-- A row checked twice by a rule (two dates on it) counts once. A rule file that looks at
-- several values of a row may count its rows itself (the view quality_counts, one row per
-- rule and provider): a DISTINCT over tens of millions of checks spills and was most of the
-- date rules' time at a million people. Otherwise: DISTINCT over the plain columns, then a
-- count (a parallel hash aggregate that spills, unlike count(DISTINCT …) per rule). The
-- provider is the file's, from the ledger, after counting: left in the DISTINCT, its text
-- made that aggregate three times slower.
{{- if .Counts}}
INSERT INTO quality_checked
SELECT rule_id, _provider, checked FROM quality_counts WHERE checked > 0;
DROP VIEW quality_counts;
{{- else}}
INSERT INTO quality_checked
SELECT c.rule_id, f.provider, sum(c.n)
FROM (
    SELECT rule_id, _file_id, count(*) AS n
    FROM (SELECT DISTINCT rule_id, _file_id, _row_number FROM {{$source}})
    GROUP BY ALL
) c
JOIN ops.file_ledger f ON f.file_id = c._file_id
GROUP BY ALL;
{{- end}}

-- A failure of a rule the catalogue does not declare would have no severity: stop the run.
-- (Read from the counts just made, not the checks again: the checks cost more than the rows.)
SELECT error(format('sql/quality: rule {} is checked but not declared in quality.rules', rule_id))
FROM (SELECT DISTINCT rule_id FROM quality_checked) c
ANTI JOIN quality.rules r USING (rule_id);

CREATE OR REPLACE TEMP TABLE quality_failed AS
SELECT c.rule_id, r.severity, c.reason, c._provider, c._feed, c._file_sha256, f.file_name,
       c._row_number, c._line, c._batch_id
FROM {{$source}} c
JOIN quality.rules r USING (rule_id)
JOIN ops.file_ledger f ON f.file_id = c._file_id
WHERE c.failed;

INSERT INTO quality.quarantine BY NAME
SELECT 'staging' AS stage, rule_id, reason, _provider AS provider, _feed AS feed, _file_sha256 AS file_sha256,
       file_name, _row_number AS row_number, _line AS line, _batch_id AS batch_id
FROM quality_failed
WHERE severity = 'error';

INSERT INTO quality.flag BY NAME
SELECT rule_id, reason, _provider AS provider, _feed AS feed, _file_sha256 AS file_sha256,
       file_name, _row_number AS row_number, _line AS line, _batch_id AS batch_id
FROM quality_failed
WHERE severity = 'warning';

DROP TABLE quality_failed;
{{- if $materialize}}
DROP TABLE quality_check_rows;
{{- end}}

-- The next file starts from no checks: a file that declares rules but checks nothing adds nothing.
CREATE OR REPLACE TEMP VIEW quality_check AS
SELECT NULL::VARCHAR AS rule_id, NULL::VARCHAR AS _provider, NULL::VARCHAR AS _feed, NULL::BIGINT AS _file_id,
       NULL::VARCHAR AS _file_sha256, NULL::BIGINT AS _row_number, NULL::BIGINT AS _line, NULL::BIGINT AS _batch_id,
       NULL::BOOLEAN AS failed, NULL::VARCHAR AS reason
WHERE false;
