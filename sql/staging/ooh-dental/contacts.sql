-- staging.encounter, staging.person_record ← raw.ooh_dental_contacts: one attendance at the
-- urgent dental / minor injuries service per row of its SQLite `contacts` table, with the
-- patient's details as taken at the desk riding along. The class is 'urgent-care', not
-- 'out-of-hours': the service sees walk-ins through the day (07:00–22:00), it is not the GP
-- out-of-hours service. The record id is the case reference, so a form submitted twice (two
-- rowids, one case) leaves one encounter. Times are local (Europe/London) without an offset.
INSERT INTO staging.encounter BY NAME
SELECT
    case_ref                                         AS record_id,
    patient_id                                       AS local_patient_id,
    'urgent-care'                                    AS encounter_class,
    arrived_at                                       AS start_raw,
    timezone('Europe/London', try_strptime(arrived_at, '%Y-%m-%d %H:%M:%S')) AS start_at,
    left_at                                          AS end_raw,
    timezone('Europe/London', try_strptime(left_at, '%Y-%m-%d %H:%M:%S'))    AS end_at,
    NULL                                             AS location_code,
    NULL                                             AS reason_code,
    NULL                                             AS reason_system,
    presenting_complaint                             AS reason_text,
    NULL                                             AS discharge_destination_code,
    outcome                                          AS outcome_text,
    service                                          AS encounter_type,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.ooh_dental_contacts;

INSERT INTO staging.person_record BY NAME
SELECT
    patient_id                                       AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    surname                                          AS family_name,
    forename                                         AS given_name,
    date_of_birth                                    AS birth_date_raw,
    try_strptime(date_of_birth, '%Y-%m-%d')::DATE    AS birth_date,
    CASE upper(sex) WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' WHEN 'I' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    NULL                                             AS practice_code,
    false                                            AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.ooh_dental_contacts;
