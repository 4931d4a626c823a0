-- staging.encounter, staging.person_record ← raw.ooh_adastra_cases: one out-of-hours case per
-- row. Timestamps carry their UTC offset, so they are exact instants whatever the season.
INSERT INTO staging.encounter BY NAME
SELECT
    case_ref                                         AS record_id,
    patient_ref                                      AS local_patient_id,
    'out-of-hours'                                   AS encounter_class,
    case_started                                     AS start_raw,
    try_strptime(case_started, '%Y-%m-%dT%H:%M:%S%z') AS start_at,
    case_closed                                      AS end_raw,
    try_strptime(case_closed, '%Y-%m-%dT%H:%M:%S%z') AS end_at,
    NULL                                             AS location_code,
    NULL                                             AS reason_code,
    NULL                                             AS reason_system,
    presenting_complaint                             AS reason_text,
    NULL                                             AS discharge_destination_code,
    outcome                                          AS outcome_text,
    case_type                                        AS encounter_type,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.ooh_adastra_cases;

INSERT INTO staging.person_record BY NAME
SELECT
    patient_ref                                      AS local_id,
    nhs_no                                           AS nhs_number_raw,
    nhs_number_normalise(nhs_no)                     AS nhs_number,
    surname                                          AS family_name,
    forename                                         AS given_name,
    dob                                              AS birth_date_raw,
    try_strptime(dob, '%d/%m/%Y')::DATE              AS birth_date,
    CASE lower(gender) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' WHEN 'indeterminate' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    NULL                                             AS practice_code,
    false                                            AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.ooh_adastra_cases;
