-- REQ-001, REQ-002 ← staging.*: records that cannot be identified or attached to a patient.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('REQ-001', 'completeness', 'person', 'error', 0.01, 'A person record has no local identifier, so nothing can refer to it.'),
    ('REQ-002', 'completeness', 'any',    'error', 0.01, 'A clinical record has no record identifier or no patient identifier.');

CREATE OR REPLACE TEMP VIEW quality_check AS
WITH ids AS (
    SELECT 'person' AS entity, local_id AS record_id, local_id AS patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.person_record
    UNION ALL SELECT 'allergy',    record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'condition',  record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'medication', record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'encounter',  record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'care-episode', record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode
)
SELECT
    CASE entity WHEN 'person' THEN 'REQ-001' ELSE 'REQ-002' END AS rule_id,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
    record_id IS NULL OR patient_id IS NULL AS failed,
    CASE WHEN record_id IS NULL THEN format('{}: line {}: no record identifier', entity, _line)
         ELSE format('{}: line {}: no patient identifier', entity, _line) END AS reason
FROM ids;
