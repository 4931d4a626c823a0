-- staging.person_record ← raw.nbt_cdw_patients: the clinical data warehouse's patient index
-- (pg_dump COPY rows; \N already landed as NULL). The MRN is the trust's local id.
INSERT INTO staging.person_record BY NAME
SELECT
    upper(trim(mrn))                                 AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    family_name,
    given_name,
    date_of_birth                                    AS birth_date_raw,
    try_strptime(date_of_birth, '%Y-%m-%d')::DATE    AS birth_date,
    CASE upper(sex) WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' WHEN 'I' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    upper(gp_practice_code)                          AS practice_code,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.nbt_cdw_patients;
