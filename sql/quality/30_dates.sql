-- DAT-001, DAT-002 ← staging.*: dates that did not parse, and dates after the day their
-- file was received (an event cannot be recorded after the extract that carries it).
-- Medication end dates may lie ahead (a planned course end), so they are only parsed.
INSERT INTO quality.quarantine BY NAME
WITH dates AS (
    SELECT 'birth_date' AS field, birth_date_raw AS raw, CAST(birth_date AS TIMESTAMPTZ) AS value, true AS past_only, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.person_record
    UNION ALL SELECT 'recorded_date',  recorded_date_raw,  CAST(recorded_date AS TIMESTAMPTZ),  true,  _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'onset_date',     onset_date_raw,     CAST(onset_date AS TIMESTAMPTZ),     true,  _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'abatement_date', abatement_date_raw, CAST(abatement_date AS TIMESTAMPTZ), true,  _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'start_date',     start_date_raw,     CAST(start_date AS TIMESTAMPTZ),     true,  _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'end_date',       end_date_raw,       CAST(end_date AS TIMESTAMPTZ),       false, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'start',          start_raw,          start_at,                            true,  _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'end',            end_raw,            end_at,                              false, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    -- A care package may be booked to end on a later day, like a medication course.
    UNION ALL SELECT 'start_date',     start_date_raw,     CAST(start_date AS TIMESTAMPTZ),     true,  _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode
    UNION ALL SELECT 'end_date',       end_date_raw,       CAST(end_date AS TIMESTAMPTZ),       false, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode
),
checked AS (
    SELECT d.*, f.file_name, f.received_at,
        CASE
            WHEN d.raw IS NOT NULL AND d.value IS NULL THEN 'DAT-001'
            WHEN d.past_only AND d.value > f.received_at THEN 'DAT-002'
        END AS rule_id
    FROM dates d
    JOIN ops.file_ledger f ON f.file_id = d._file_id
)
SELECT
    'staging' AS stage,
    rule_id,
    CASE rule_id
        WHEN 'DAT-001' THEN format('{} ''{}'' on line {} is not a valid date', field, raw, _line)
        ELSE format('{} {} on line {} is after the file was received ({})', field, raw, _line,
                    strftime(received_at, '%Y-%m-%d %H:%M'))
    END AS reason,
    _provider AS provider, _feed AS feed, _file_sha256 AS file_sha256, file_name,
    _row_number AS row_number, _line AS line, _batch_id AS batch_id
FROM checked
WHERE rule_id IS NOT NULL;
