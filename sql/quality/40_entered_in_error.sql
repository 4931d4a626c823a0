-- WDR-001 ← staging.*: records the source has withdrawn as entered in error (FHIR
-- verificationStatus or status entered-in-error). They are quarantined, not dropped, so that
-- row conservation still accounts for them and an analyst can see what was withdrawn; being
-- quarantined, they never reach core.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('WDR-001', 'plausibility', 'any', 'error', 0.05, 'The source withdrew the record as entered in error.');

CREATE OR REPLACE TEMP VIEW quality_check AS
WITH statuses AS (
    SELECT 'condition' AS entity, clinical_status AS status, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
    UNION ALL SELECT 'allergy',    clinical_status, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
    UNION ALL SELECT 'medication', status,          _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
)
SELECT 'WDR-001' AS rule_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       coalesce(status = 'entered-in-error', false) AS failed,
       format('{}: line {}: withdrawn by the source as entered in error', entity, _line) AS reason
FROM statuses;
