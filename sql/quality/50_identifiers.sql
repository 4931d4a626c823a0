-- Identifiers ← staging.person_record (every record that carries a patient's details):
--   NHS-001 an NHS number that fails the Modulus 11 check (the local id stays unlinked);
--   NHS-002 an NHS number sent with spaces or hyphens (fixed: the digits are used);
--   NHS-003 no NHS number (the local id can only be linked by other means);
--   ODS-001 a registered GP practice that is not an ODS organisation code.
-- All warnings: the record loads; what it means for linkage is in core.person_link.link_note.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('NHS-001', 'conformance',  'person', 'warning', 0.01, 'The NHS number fails the Modulus 11 check (or is not ten digits), so it cannot link the record.'),
    ('NHS-002', 'conformance',  'person', 'warning', 0.05, 'The NHS number was sent with spaces or hyphens; the ten digits are used.'),
    ('NHS-003', 'completeness', 'person', 'warning', 0.05, 'The record has no NHS number.'),
    ('ODS-001', 'conformance',  'person', 'warning', 0.01, 'The registered GP practice is not an ODS organisation code (3 to 6 letters and digits).');

CREATE OR REPLACE TEMP VIEW quality_check AS
SELECT 'NHS-001' AS rule_id, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       NOT nhs_number_valid(nhs_number) AS failed,
       format('NHS number ''{}'' on line {} fails the Modulus 11 check', nhs_number_raw, _line) AS reason
FROM staging.person_record WHERE nhs_number IS NOT NULL
UNION ALL
SELECT 'NHS-002', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       trim(nhs_number_raw) <> nhs_number,
       format('NHS number ''{}'' on line {} was sent with spaces or hyphens; read as {}', nhs_number_raw, _line, nhs_number)
FROM staging.person_record WHERE nhs_number IS NOT NULL
UNION ALL
SELECT 'NHS-003', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       nhs_number IS NULL,
       format('line {}: no NHS number', _line)
FROM staging.person_record
UNION ALL
SELECT 'ODS-001', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
       NOT ods_code_valid(practice_code),
       format('registered practice ''{}'' on line {} is not an ODS code', practice_code, _line)
FROM staging.person_record WHERE practice_code IS NOT NULL;
