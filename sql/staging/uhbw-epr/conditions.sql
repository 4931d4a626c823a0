-- staging.condition ← raw.uhbw_epr_conditions: FHIR Condition resources, SNOMED CT coded.
-- The subject reference Patient/<id> resolves to the Patient's logical id (the local id of
-- staging.person_record); a reference to anything else leaves no patient (REQ-002).
-- verificationStatus entered-in-error becomes clinical_status 'entered-in-error', which
-- quality/40_entered_in_error.sql quarantines (WDR-001) so that it never reaches core.
-- Versions: meta.versionId orders them (source_version); core keeps the highest, so an older
-- version in a later export never replaces a newer one.
INSERT INTO staging.condition BY NAME
SELECT
    id                                               AS record_id,
    CASE WHEN subject_reference LIKE 'Patient/_%' THEN substr(subject_reference, 9) END AS local_patient_id,
    snomed_code                                      AS code,
    'snomed-ct'                                      AS code_system,
    coalesce(snomed_display, code_text)              AS term,
    coalesce(category, 'problem-list-item')          AS category,
    CASE WHEN verification_status = 'entered-in-error' THEN 'entered-in-error'
         ELSE coalesce(clinical_status, 'active') END AS clinical_status,
    onset_date_time                                  AS onset_date_raw,
    try_cast(left(onset_date_time, 10) AS DATE)      AS onset_date,
    abatement_date_time                              AS abatement_date_raw,
    try_cast(left(abatement_date_time, 10) AS DATE)  AS abatement_date,
    NULL                                             AS encounter_record_id,
    version_order(version_id)                        AS source_version,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_epr_conditions;
