-- staging.allergy ← raw.uhbw_epr_allergies: FHIR AllergyIntolerance resources. The patient
-- reference resolves as for conditions; verificationStatus entered-in-error is carried as
-- clinical_status 'entered-in-error' for quality/40_entered_in_error.sql.
INSERT INTO staging.allergy BY NAME
SELECT
    id                                               AS record_id,
    CASE WHEN patient_reference LIKE 'Patient/_%' THEN substr(patient_reference, 9) END AS local_patient_id,
    snomed_code                                      AS code,
    'snomed-ct'                                      AS code_system,
    snomed_display                                   AS term,
    reaction,
    lower(severity)                                  AS severity,
    CASE WHEN verification_status = 'entered-in-error' THEN 'entered-in-error'
         ELSE coalesce(clinical_status, 'active') END AS clinical_status,
    recorded_date                                    AS recorded_date_raw,
    try_cast(left(recorded_date, 10) AS DATE)        AS recorded_date,
    version_order(version_id)                        AS source_version,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_epr_allergies;
