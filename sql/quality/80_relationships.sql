-- REL-001 ← staging.*: a clinical record, encounter or care episode whose patient id matches no
-- person record the same provider has sent, so no person can be found for it. Loaded, flagged:
-- it stays in core with no person_id until the provider sends the patient's details.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('REL-001', 'relationship', 'any', 'warning', 0.01, 'The record''s patient id matches no person record the provider has sent: its person cannot be found.');

CREATE OR REPLACE TEMP VIEW quality_check AS
WITH refs AS (
    SELECT 'allergy' AS entity, local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'condition',    local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'medication',   local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
    UNION ALL SELECT 'encounter',    local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
    UNION ALL SELECT 'care episode', local_patient_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode
),
-- The local ids are matched by a 64-bit hash of (provider, id): millions of text keys would
-- not fit a small memory limit, eight-byte ones do. Two ids of one community colliding is
-- vanishingly unlikely and would cost one warning, never a row.
known AS (
    SELECT DISTINCT hash(_provider, local_id) AS id_hash FROM staging.person_record WHERE local_id IS NOT NULL
    -- the hourly job's staging holds only its batch: the patients known before count too
    UNION
    SELECT hash(provider, local_id) FROM core.person_link WHERE getvariable('ccare_batch') IS NOT NULL
)
SELECT 'REL-001' AS rule_id, r._provider, r._feed, r._file_id, r._file_sha256, r._row_number, r._line, r._batch_id,
       k.id_hash IS NULL AS failed,
       format('{} on line {}: patient {} is in no person record from {}', r.entity, r._line, r.local_patient_id, r._provider) AS reason
FROM refs r
LEFT JOIN known k ON k.id_hash = hash(r._provider, r.local_patient_id)
WHERE r.local_patient_id IS NOT NULL;
