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

CREATE OR REPLACE TEMP VIEW quality_check AS
WITH codes AS (
    SELECT 'allergy' AS entity, 'code' AS field, code, code_system, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'condition',  'code',   code,        code_system,   _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'medication', 'code',   code,        code_system,   _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'encounter',  'reason', reason_code, reason_system, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'encounter',  'discharge destination', discharge_destination_code, 'snomed-ct', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
),
-- Each distinct code is checked once (its shape, a Verhoeff digit, the reference lists) and
-- the verdicts joined back to the rows: a community's millions of coded rows use a few
-- thousand codes, and a Verhoeff digit computed in SQL costs far more than a hash join.
distinct_codes AS (
    SELECT DISTINCT code_system, code FROM codes WHERE code IS NOT NULL
),
listed AS (
    SELECT code_system, code FROM ref.concept
    UNION ALL SELECT source_system, source_code FROM ref.code_map
),
verdict AS (
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
    FROM distinct_codes d
),
shaped AS (
    SELECT c.*, v.well_formed, v.shape_rule, v.is_listed
    FROM codes c
    JOIN verdict v ON v.code_system IS NOT DISTINCT FROM c.code_system AND v.code = c.code
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
