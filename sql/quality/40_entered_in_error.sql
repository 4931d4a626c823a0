-- WDR-001 ← staging.*: records the source has withdrawn as entered in error (FHIR
-- verificationStatus or status entered-in-error). They are quarantined, not dropped, so that
-- row conservation still accounts for them and an analyst can see what was withdrawn; being
-- quarantined, they never reach core.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('WDR-001', 'plausibility', 'any', 'error', 0.05, 'The source withdrew the record as entered in error.');

INSERT INTO quality.quarantine BY NAME
WITH withdrawn AS (
    SELECT 'condition' AS entity, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition WHERE clinical_status = 'entered-in-error'
    UNION ALL SELECT 'allergy',    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy    WHERE clinical_status = 'entered-in-error'
    UNION ALL SELECT 'medication', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication WHERE status = 'entered-in-error'
)
SELECT
    'staging'                                            AS stage,
    'WDR-001'                                            AS rule_id,
    format('{}: line {}: withdrawn by the source as entered in error', w.entity, w._line) AS reason,
    _provider AS provider, _feed AS feed, _file_sha256 AS file_sha256, f.file_name,
    _row_number AS row_number, _line AS line, _batch_id AS batch_id
FROM withdrawn w
JOIN ops.file_ledger f ON f.file_id = w._file_id;
