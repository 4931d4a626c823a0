-- REQ-001, REQ-002 ← staging.*: records that cannot be identified or attached to a patient.
INSERT INTO quality.quarantine BY NAME
WITH ids AS (
    SELECT 'person' AS entity, local_id AS record_id, local_id AS patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.person_record
    UNION ALL SELECT 'allergy',    record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'condition',  record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'medication', record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'encounter',  record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'care-episode', record_id, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode
)
SELECT
    'staging'                                            AS stage,
    CASE ids.entity WHEN 'person' THEN 'REQ-001' ELSE 'REQ-002' END AS rule_id,
    CASE WHEN record_id IS NULL THEN format('{}: line {}: no record identifier', ids.entity, _line)
         ELSE format('{}: line {}: no patient identifier', ids.entity, _line) END AS reason,
    _provider AS provider, _feed AS feed, _file_sha256 AS file_sha256, f.file_name,
    _row_number AS row_number, _line AS line, _batch_id AS batch_id
FROM ids
JOIN ops.file_ledger f ON f.file_id = ids._file_id
WHERE record_id IS NULL OR patient_id IS NULL;
