-- Codes ← staging.allergy, condition, medication, encounter (reason and discharge destination):
--   SNO-001 a SNOMED CT or dm+d code that is not a valid concept id (snomed_id_valid);
--   ICD-001 an ICD-10 code that does not have the ICD-10 shape (icd10_code_valid);
--   RD2-001 a Read v2 code that does not have the Read v2 shape (read2_code_valid);
--   REF-001 a well-formed code that is in none of the reference lists (ref.concept for SNOMED
--           CT and dm+d, ref.code_map for Read v2 and ICD-10), or a code system the warehouse
--           does not know.
-- Warnings: the record is clinically real and its term still says what it is; the flag tells
-- an analyst counting by code that this one will not be counted under any known concept.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('SNO-001', 'conformance', 'any',       'warning', 0.01, 'A SNOMED CT or dm+d code is not a valid concept id (6–18 digits, concept partition, Verhoeff check digit).'),
    ('ICD-001', 'conformance', 'condition', 'warning', 0.01, 'An ICD-10 code does not have the ICD-10 form (a letter, two digits, optionally more digits).'),
    ('RD2-001', 'conformance', 'any',       'warning', 0.01, 'A Read v2 code does not have the Read v2 form (five letters, digits or trailing dots).'),
    ('REF-001', 'conformance', 'any',       'warning', 0.01, 'A well-formed code is in none of the reference lists, or its code system is not one the warehouse knows.');

-- Each distinct code is checked once (its shape, a Verhoeff digit, the reference lists) and
-- the verdicts joined back to the rows: a community's millions of coded rows use a few
-- thousand codes, and a Verhoeff digit computed in SQL costs far more than a hash join.
-- Made once for the checks and the counts below.
CREATE OR REPLACE TEMP TABLE quality_code_verdict AS
WITH distinct_codes AS (
    SELECT DISTINCT code_system, code FROM (
        SELECT code_system, code FROM staging.allergy
        UNION ALL SELECT code_system, code FROM staging.condition
        UNION ALL SELECT code_system, code FROM staging.medication
        UNION ALL SELECT reason_system, reason_code FROM staging.encounter
        UNION ALL SELECT 'snomed-ct', discharge_destination_code FROM staging.encounter
    ) WHERE code IS NOT NULL
),
listed AS (
    SELECT code_system, code FROM ref.concept
    UNION ALL SELECT source_system, source_code FROM ref.code_map
)
SELECT d.code_system, d.code,
    CASE d.code_system
        WHEN 'snomed-ct' THEN snomed_id_valid(d.code)
        WHEN 'dm+d'      THEN snomed_id_valid(d.code)
        WHEN 'icd-10'    THEN icd10_code_valid(d.code)
        WHEN 'read-v2'   THEN read2_code_valid(d.code)
    END AS well_formed,
    CASE d.code_system
        WHEN 'snomed-ct' THEN 'SNO-001' WHEN 'dm+d' THEN 'SNO-001'
        WHEN 'icd-10' THEN 'ICD-001' WHEN 'read-v2' THEN 'RD2-001'
    END AS shape_rule,
    EXISTS (SELECT 1 FROM listed l WHERE l.code_system = d.code_system AND l.code = d.code) AS is_listed
FROM distinct_codes d;

CREATE OR REPLACE TEMP VIEW quality_check AS
WITH codes AS (
    SELECT 'allergy' AS entity, 'code' AS field, code, code_system, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'condition',  'code',   code,        code_system,   _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'medication', 'code',   code,        code_system,   _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'encounter',  'reason', reason_code, reason_system, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'encounter',  'discharge destination', discharge_destination_code, 'snomed-ct', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
),
shaped AS (
    SELECT c.*, v.well_formed, v.shape_rule, v.is_listed
    FROM codes c
    JOIN quality_code_verdict v ON v.code_system IS NOT DISTINCT FROM c.code_system AND v.code = c.code
)
SELECT shape_rule AS rule_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       NOT well_formed AS failed,
       format('{} {} ''{}'' on line {} is not a well-formed {} code', entity, field, code, _line, code_system) AS reason
FROM shaped WHERE shape_rule IS NOT NULL
UNION ALL
SELECT 'REF-001', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       NOT is_listed,
       CASE WHEN shape_rule IS NULL
            THEN format('{} {} ''{}'' on line {}: code system ''{}'' is not one the warehouse knows', entity, field, code, _line, code_system)
            ELSE format('{} {} ''{}'' on line {} is in no {} reference list', entity, field, code, _line, code_system) END
FROM shaped
WHERE well_formed OR shape_rule IS NULL;

-- The rows each rule looks at, counted once per source row however many of its codes the
-- rule checks (an encounter's reason and discharge destination) and however many staging
-- tables the row feeds (an ED attendance is an encounter and a diagnosis):
-- templates/quality_apply.sql takes these counts instead of de-duplicating the checks above,
-- which at a million people is millions of rows to de-duplicate. The conditions are the
-- ones above, for any of the row's codes. pipelines/quality_test.go checks that they agree
-- with the de-duplicated checks.
CREATE OR REPLACE TEMP VIEW quality_counts AS
WITH looked AS (
    SELECT c._provider, c._file_id, c._row_number, v.shape_rule, v.well_formed OR v.shape_rule IS NULL AS ref
    FROM (
        SELECT code, code_system, _provider, _file_id, _row_number FROM staging.allergy
        UNION ALL SELECT code, code_system, _provider, _file_id, _row_number FROM staging.condition
        UNION ALL SELECT code, code_system, _provider, _file_id, _row_number FROM staging.medication
        UNION ALL SELECT reason_code, reason_system, _provider, _file_id, _row_number FROM staging.encounter
        UNION ALL SELECT discharge_destination_code, 'snomed-ct', _provider, _file_id, _row_number FROM staging.encounter
    ) c
    JOIN quality_code_verdict v ON v.code_system IS NOT DISTINCT FROM c.code_system AND v.code = c.code
),
per_row AS (
    SELECT any_value(_provider) AS _provider,
           bool_or(shape_rule = 'SNO-001') AS sno, bool_or(shape_rule = 'ICD-001') AS icd,
           bool_or(shape_rule = 'RD2-001') AS rd2, bool_or(ref) AS ref
    FROM looked
    GROUP BY _file_id, _row_number
),
counted AS (
    SELECT _provider,
           count(*) FILTER (WHERE sno) AS sno001,
           count(*) FILTER (WHERE icd) AS icd001,
           count(*) FILTER (WHERE rd2) AS rd2001,
           count(*) FILTER (WHERE ref) AS ref001
    FROM per_row
    GROUP BY _provider
)
SELECT rule_id, _provider, checked
FROM counted
UNPIVOT (checked FOR rule_id IN (sno001 AS 'SNO-001', icd001 AS 'ICD-001', rd2001 AS 'RD2-001', ref001 AS 'REF-001'));
