-- staging.encounter, staging.person_record, staging.condition ← raw.uhbw_ed_attendances.
-- One ECDS-like attendance per row: the encounter is the row's primary subject; the patient
-- details and the ED diagnosis ride along. Times are UK local time without an offset, so they
-- are read in Europe/London (which also resolves the hour the clocks change).
INSERT INTO staging.encounter BY NAME
SELECT
    attendance_id                                    AS record_id,
    mrn                                              AS local_patient_id,
    'emergency'                                      AS encounter_class,
    concat_ws(' ', arrival_date, arrival_time)       AS start_raw,
    timezone('Europe/London', try_strptime(concat_ws(' ', arrival_date, arrival_time), '%Y-%m-%d %H:%M')) AS start_at,
    concat_ws(' ', departure_date, departure_time)   AS end_raw,
    timezone('Europe/London', try_strptime(concat_ws(' ', departure_date, departure_time), '%Y-%m-%d %H:%M')) AS end_at,
    upper(site_code)                                 AS location_code,
    chief_complaint_code                             AS reason_code,
    'snomed-ct'                                      AS reason_system,
    NULL                                             AS reason_text,
    discharge_destination_code,
    NULL                                             AS outcome_text,
    'ED attendance'                                  AS encounter_type,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_ed_attendances;

INSERT INTO staging.person_record BY NAME
SELECT
    mrn                                              AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    family_name,
    given_name,
    birth_date                                       AS birth_date_raw,
    try_strptime(birth_date, '%Y-%m-%d')::DATE       AS birth_date,
    CASE upper(stated_gender_code) WHEN '1' THEN 'male' WHEN '2' THEN 'female' WHEN '9' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    NULL                                             AS practice_code,
    false                                            AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_ed_attendances;

INSERT INTO staging.condition BY NAME
SELECT
    attendance_id || ':dx'                           AS record_id,
    mrn                                              AS local_patient_id,
    diagnosis_code                                   AS code,
    'snomed-ct'                                      AS code_system,
    diagnosis_term                                   AS term,
    'encounter-diagnosis'                            AS category,
    'active'                                         AS clinical_status,
    arrival_date                                     AS onset_date_raw,
    try_strptime(arrival_date, '%Y-%m-%d')::DATE     AS onset_date,
    NULL                                             AS abatement_date_raw,
    NULL                                             AS abatement_date,
    attendance_id                                    AS encounter_record_id,
    false                                            AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_ed_attendances
WHERE diagnosis_code IS NOT NULL;
