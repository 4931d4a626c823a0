-- staging.person_record ← raw.gp_tpp_patients: SystmOne SRPatient rows (dd/mm/yyyy dates).
INSERT INTO staging.person_record BY NAME
SELECT
    row_identifier                                   AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    surname                                          AS family_name,
    first_name                                       AS given_name,
    date_birth                                       AS birth_date_raw,
    try_strptime(date_birth, '%d/%m/%Y')::DATE       AS birth_date,
    CASE upper(gender) WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' WHEN 'I' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    upper(organisation_code)                         AS practice_code,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.gp_tpp_patients;
