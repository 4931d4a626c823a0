-- staging.person_record ← raw.bcc_social_clients: the Clients sheet of the council's
-- workbook. Date of Birth arrives as YYYY-MM-DD when the cell held an Excel date (the
-- extractor decodes serials) and as typed text dd/mm/yyyy on rows keyed in by hand.
INSERT INTO staging.person_record BY NAME
SELECT
    person_id                                        AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    surname                                          AS family_name,
    forename                                         AS given_name,
    date_of_birth                                    AS birth_date_raw,
    coalesce(try_strptime(date_of_birth, '%Y-%m-%d'), try_strptime(date_of_birth, '%d/%m/%Y'))::DATE AS birth_date,
    CASE lower(trim(gender)) WHEN 'male' THEN 'male' WHEN 'female' THEN 'female' WHEN 'other' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    upper(gp_practice)                               AS practice_code,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.bcc_social_clients;
