-- staging.person_record ← raw.sglos_social_clients: one council client per row, read from
-- the fixed-width extract (decoded from Windows-1252, padding removed, zero dates blank).
-- Dates are YYYYMMDD. Names keep the diacritics the council records (Siobhán, Chloë).
INSERT INTO staging.person_record BY NAME
SELECT
    client_id                                        AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    surname                                          AS family_name,
    forename                                         AS given_name,
    dob                                              AS birth_date_raw,
    try_strptime(dob, '%Y%m%d')::DATE                AS birth_date,
    CASE upper(gender) WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' WHEN 'I' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    upper(gp_practice)                               AS practice_code,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.sglos_social_clients;
