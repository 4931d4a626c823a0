-- staging.person_record ← raw.uhbw_epr_patients: FHIR Patient resources. The logical id is
-- the local id that other resources refer to (Patient/<id>). The trust MRN is landed in raw
-- (mrn) but not used to link: the NHS number links the EPR to the rest of the community.
INSERT INTO staging.person_record BY NAME
SELECT
    id                                               AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    family_name,
    given_name,
    birth_date                                       AS birth_date_raw,
    try_strptime(birth_date, '%Y-%m-%d')::DATE       AS birth_date,
    CASE lower(gender) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' WHEN 'other' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    upper(gp_practice_code)                          AS practice_code,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.uhbw_epr_patients;
