-- staging.encounter ← raw.uhbw_epr_encounters: FHIR Encounter resources (outpatient visits
-- and day cases). period.start/end are FHIR instants with their UTC offset.
INSERT INTO staging.encounter BY NAME
SELECT
    id                                               AS record_id,
    CASE WHEN subject_reference LIKE 'Patient/_%' THEN substr(subject_reference, 9) END AS local_patient_id,
    CASE upper(class_code) WHEN 'AMB' THEN 'outpatient' WHEN 'IMP' THEN 'inpatient'
         WHEN 'EMER' THEN 'emergency' ELSE lower(class_code) END AS encounter_class,
    period_start                                     AS start_raw,
    try_cast(period_start AS TIMESTAMPTZ)            AS start_at,
    period_end                                       AS end_raw,
    try_cast(period_end AS TIMESTAMPTZ)              AS end_at,
    upper(service_provider)                          AS location_code,
    reason_code,
    CASE WHEN reason_code IS NOT NULL THEN 'snomed-ct' END AS reason_system,
    reason_display                                   AS reason_text,
    NULL                                             AS discharge_destination_code,
    NULL                                             AS outcome_text,
    type_text                                        AS encounter_type,
    version_order(version_id)                        AS source_version,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_epr_encounters;
