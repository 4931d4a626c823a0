-- Dates ← staging.*:
--   DAT-001 a date that does not parse in the feed's declared format;
--   DAT-002 an event after the day its file was received (an extract cannot record the future);
--   DAT-003 an event before the patient's birth, as the same provider records the birth;
--   DAT-004 an end before its start (discharge before admission, a course or package that
--           ends before it begins, a problem resolved before its onset);
--   PLA-001 a birth date that makes the person younger than 0 or older than 120 when the file
--           was received (loaded, flagged: the person is real, the date is doubtful).
-- Medication, care package and encounter end dates may lie ahead (a planned end), so they are
-- not checked against the file's day or the birth date.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('DAT-001', 'conformance',  'any',    'error',   0.01, 'A date or time is present but is not in the format the feed declares.'),
    ('DAT-002', 'plausibility', 'any',    'error',   0.01, 'A date is after the day the file containing it was received.'),
    ('DAT-003', 'plausibility', 'any',    'error',   0.01, 'An event is dated before the patient''s birth date, as the same provider records it.'),
    ('DAT-004', 'plausibility', 'any',    'error',   0.01, 'An end is before its start: discharge before admission, a course or package ending before it begins, a problem resolved before onset.'),
    ('PLA-001', 'plausibility', 'person', 'warning', 0.01, 'The birth date makes the person younger than 0 or older than 120 years on the day the file was received.');

-- The birth date each provider holds for its local id: from its latest record that has one.
-- Keyed by a 64-bit hash of (provider, id), as in 80_relationships.sql: eight-byte keys keep
-- millions of local ids within a small memory limit. Made once for the checks and the counts.
CREATE OR REPLACE TEMP TABLE quality_born AS
SELECT hash(_provider, local_id) AS id_hash, arg_max(birth_date, record_order(_file_id, _row_number)) AS birth_date
FROM staging.person_record
WHERE birth_date IS NOT NULL AND local_id IS NOT NULL
GROUP BY ALL;

CREATE OR REPLACE TEMP VIEW quality_check AS
WITH dates AS NOT MATERIALIZED (
    -- day: the calendar day of the value, in UK local time for timestamps
    SELECT 'birth_date' AS field, birth_date_raw AS raw, CAST(birth_date AS TIMESTAMPTZ) AS value, birth_date AS day,
           false AS event, NULL AS local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.person_record
    UNION ALL SELECT 'recorded_date',  recorded_date_raw,  CAST(recorded_date AS TIMESTAMPTZ),  recorded_date,  true,  local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'onset_date',     onset_date_raw,     CAST(onset_date AS TIMESTAMPTZ),     onset_date,     true,  local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'abatement_date', abatement_date_raw, CAST(abatement_date AS TIMESTAMPTZ), abatement_date, true,  local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'start_date',     start_date_raw,     CAST(start_date AS TIMESTAMPTZ),     start_date,     true,  local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'end_date',       end_date_raw,       CAST(end_date AS TIMESTAMPTZ),       end_date,       false, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'start',          start_raw,          start_at, CAST(timezone('Europe/London', start_at) AS DATE), true,  local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'end',            end_raw,            end_at,   CAST(timezone('Europe/London', end_at) AS DATE),   false, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'start_date',     start_date_raw,     CAST(start_date AS TIMESTAMPTZ),     start_date,     true,  local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode
    UNION ALL SELECT 'end_date',       end_date_raw,       CAST(end_date AS TIMESTAMPTZ),       end_date,       false, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode
),
dated AS NOT MATERIALIZED (
    SELECT d.*, f.received_at FROM dates d JOIN ops.file_ledger f ON f.file_id = d._file_id
),
born AS (SELECT * FROM quality_born),
spans AS (
    SELECT 'admission' AS start_name, 'discharge' AS end_name, start_raw, end_raw, start_at < end_at OR start_at = end_at AS ordered,
           _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
    FROM staging.encounter WHERE start_at IS NOT NULL AND end_at IS NOT NULL
    UNION ALL SELECT 'start', 'end', start_date_raw, end_date_raw, start_date <= end_date, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
    FROM staging.medication WHERE start_date IS NOT NULL AND end_date IS NOT NULL
    UNION ALL SELECT 'start', 'end', start_date_raw, end_date_raw, start_date <= end_date, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
    FROM staging.care_episode WHERE start_date IS NOT NULL AND end_date IS NOT NULL
    UNION ALL SELECT 'onset', 'resolution', onset_date_raw, abatement_date_raw, onset_date <= abatement_date, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
    FROM staging.condition WHERE onset_date IS NOT NULL AND abatement_date IS NOT NULL
)
SELECT 'DAT-001' AS rule_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       value IS NULL AS failed,
       format('{} ''{}'' on line {} is not a valid date', field, raw, _line) AS reason
FROM dated WHERE raw IS NOT NULL
UNION ALL
SELECT 'DAT-002', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       value > received_at,
       format('{} {} on line {} is after the file was received ({})', field, raw, _line, strftime(received_at, '%Y-%m-%d %H:%M'))
FROM dated WHERE value IS NOT NULL AND (event OR field = 'birth_date')
UNION ALL
SELECT 'DAT-003', d._provider, d._feed, d._file_id, d._file_sha256, d._row_number, d._line, d._batch_id,
       d.day < b.birth_date,
       format('{} {} on line {} is before the patient''s birth date ({})', d.field, d.raw, d._line, strftime(b.birth_date, '%Y-%m-%d'))
FROM dated d
JOIN born b ON b.id_hash = hash(d._provider, d.local_patient_id)
WHERE d.event AND d.value IS NOT NULL
UNION ALL
SELECT 'DAT-004', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       NOT ordered,
       format('{} {} on line {} is before {} {}', end_name, end_raw, _line, start_name, start_raw)
FROM spans
UNION ALL
SELECT 'PLA-001', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       -- older than 120: the 121st birthday is on or before the file's day
       day > CAST(received_at AS DATE) OR day <= CAST(received_at AS DATE) - INTERVAL 121 YEAR,
       format('birth date {} on line {} gives an age of {} years', raw, _line,
              date_sub('year', day, CAST(received_at AS DATE)))
FROM dated WHERE field = 'birth_date' AND value IS NOT NULL;

-- The rows each rule looks at, counted once per source row however many of its dates the
-- rule checks, and however many staging tables the row feeds (an ED attendance is a person
-- record and an encounter): templates/quality_apply.sql takes these counts instead of
-- de-duplicating the checks above, one row per date, which at a million people is tens of
-- millions of rows to de-duplicate. Each condition is the one above, for any of the row's
-- dates: DAT-001 a date present as text; DAT-002 an event date or birth date that parsed;
-- DAT-003 an event date that parsed, of a local id whose provider holds its birth date;
-- DAT-004 both ends of a span; PLA-001 a birth date that parsed. pipelines/quality_test.go
-- checks that they agree with the de-duplicated checks.
CREATE OR REPLACE TEMP VIEW quality_counts AS
WITH looked AS NOT MATERIALIZED (
    SELECT _provider, _file_id, _row_number, _primary,
           birth_date_raw IS NOT NULL AS any_raw, birth_date IS NOT NULL AS dated, false AS event,
           NULL::VARCHAR AS local_patient_id, false AS span, birth_date IS NOT NULL AS birth
    FROM staging.person_record
    UNION ALL SELECT _provider, _file_id, _row_number, _primary, recorded_date_raw IS NOT NULL, recorded_date IS NOT NULL,
           recorded_date IS NOT NULL, local_patient_id, false, false FROM staging.allergy
    UNION ALL SELECT _provider, _file_id, _row_number, _primary, onset_date_raw IS NOT NULL OR abatement_date_raw IS NOT NULL,
           onset_date IS NOT NULL OR abatement_date IS NOT NULL, onset_date IS NOT NULL OR abatement_date IS NOT NULL,
           local_patient_id, onset_date IS NOT NULL AND abatement_date IS NOT NULL, false FROM staging.condition
    UNION ALL SELECT _provider, _file_id, _row_number, _primary, start_date_raw IS NOT NULL OR end_date_raw IS NOT NULL,
           start_date IS NOT NULL, start_date IS NOT NULL,
           local_patient_id, start_date IS NOT NULL AND end_date IS NOT NULL, false FROM staging.medication
    UNION ALL SELECT _provider, _file_id, _row_number, _primary, start_raw IS NOT NULL OR end_raw IS NOT NULL,
           start_at IS NOT NULL, start_at IS NOT NULL,
           local_patient_id, start_at IS NOT NULL AND end_at IS NOT NULL, false FROM staging.encounter
    UNION ALL SELECT _provider, _file_id, _row_number, _primary, start_date_raw IS NOT NULL OR end_date_raw IS NOT NULL,
           start_date IS NOT NULL, start_date IS NOT NULL,
           local_patient_id, start_date IS NOT NULL AND end_date IS NOT NULL, false FROM staging.care_episode
),
-- Each source record has exactly one primary staging row, so in a file whose rows looked
-- at are all primary each is a source row of its own, counted as it is; only files that
-- derive several rows from one (an ED attendance is a person record, an encounter and its
-- diagnoses) are grouped by source row. (Grouping every row, 12 million groups at a
-- million people, was most of this view's time.)
derived_files AS (
    SELECT _file_id FROM looked GROUP BY _file_id HAVING bool_or(NOT _primary)
),
per_row AS (
    -- Two integers per source row: a far smaller aggregate than the checks' rule, provider,
    -- file and row for every date.
    SELECT any_value(l._provider) AS _provider,
           bool_or(l.any_raw) AS any_raw, bool_or(l.dated) AS dated,
           bool_or(l.event AND hash(l._provider, l.local_patient_id) IN (SELECT id_hash FROM quality_born)) AS born_event,
           bool_or(l.span) AS span, bool_or(l.birth) AS birth
    FROM looked l
    SEMI JOIN derived_files d ON d._file_id = l._file_id
    SEMI JOIN ops.file_ledger f ON f.file_id = l._file_id
    GROUP BY l._file_id, l._row_number
    UNION ALL
    SELECT l._provider, l.any_raw, l.dated,
           l.event AND hash(l._provider, l.local_patient_id) IN (SELECT id_hash FROM quality_born),
           l.span, l.birth
    FROM looked l
    ANTI JOIN derived_files d ON d._file_id = l._file_id
    SEMI JOIN ops.file_ledger f ON f.file_id = l._file_id
),
counted AS (
    SELECT _provider,
           count(*) FILTER (WHERE any_raw)    AS dat001,
           count(*) FILTER (WHERE dated)      AS dat002,
           count(*) FILTER (WHERE born_event) AS dat003,
           count(*) FILTER (WHERE span)       AS dat004,
           count(*) FILTER (WHERE birth)      AS pla001
    FROM per_row
    GROUP BY _provider
)
SELECT rule_id, _provider, checked
FROM counted
UNPIVOT (checked FOR rule_id IN (dat001 AS 'DAT-001', dat002 AS 'DAT-002', dat003 AS 'DAT-003', dat004 AS 'DAT-004', pla001 AS 'PLA-001'));
