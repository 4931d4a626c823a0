-- staging.medication ← raw.uhbw_epr_medications: FHIR MedicationStatement resources, dm+d.
-- status keeps FHIR's words (active, completed, stopped, entered-in-error); entered-in-error
-- is quarantined by quality/40_entered_in_error.sql.
INSERT INTO staging.medication BY NAME
SELECT
    id                                               AS record_id,
    CASE WHEN subject_reference LIKE 'Patient/_%' THEN substr(subject_reference, 9) END AS local_patient_id,
    dmd_code                                         AS code,
    'dm+d'                                           AS code_system,
    dmd_display                                      AS term,
    dosage_text                                      AS dose_text,
    lower(status)                                    AS status,
    effective_start                                  AS start_date_raw,
    try_cast(left(effective_start, 10) AS DATE)      AS start_date,
    effective_end                                    AS end_date_raw,
    try_cast(left(effective_end, 10) AS DATE)        AS end_date,
    version_order(version_id)                        AS source_version,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_epr_medications;
