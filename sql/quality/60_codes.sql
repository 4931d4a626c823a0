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
shaped AS (
    SELECT c.*,
        CASE c.code_system
            WHEN 'snomed-ct' THEN snomed_id_valid(c.code)
            WHEN 'dm+d'      THEN snomed_id_valid(c.code)
            WHEN 'icd-10'    THEN icd10_code_valid(c.code)
            WHEN 'read-v2'   THEN read2_code_valid(c.code)
        END AS well_formed,
        CASE c.code_system
            WHEN 'snomed-ct' THEN 'SNO-001' WHEN 'dm+d' THEN 'SNO-001'
            WHEN 'icd-10' THEN 'ICD-001' WHEN 'read-v2' THEN 'RD2-001'
        END AS shape_rule
    FROM codes c
    WHERE c.code IS NOT NULL
),
listed AS (
    SELECT code_system, code FROM ref.concept
    UNION ALL SELECT source_system, source_code FROM ref.code_map
)
SELECT shape_rule AS rule_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       NOT well_formed AS failed,
       format('{} {} ''{}'' on line {} is not a well-formed {} code', entity, field, code, _line, code_system) AS reason
FROM shaped WHERE shape_rule IS NOT NULL
UNION ALL
SELECT 'REF-001', s._provider, s._feed, s._file_id, s._file_sha256, s._row_number, s._line, s._batch_id,
       l.code IS NULL,
       CASE WHEN s.shape_rule IS NULL
            THEN format('{} {} ''{}'' on line {}: code system ''{}'' is not one the warehouse knows', s.entity, s.field, s.code, s._line, s.code_system)
            ELSE format('{} {} ''{}'' on line {} is in no {} reference list', s.entity, s.field, s.code, s._line, s.code_system) END
FROM shaped s
LEFT JOIN listed l ON l.code_system = s.code_system AND l.code = s.code
WHERE s.well_formed OR s.shape_rule IS NULL;
