-- staging.person_record ← raw.nbt_pas_adt, raw.nbt_pas_adt_live (HL7 v2.4 ADT, one row per
-- message). Every ADT message carries the patient (PID), so every message is a person record
-- keyed by the hospital number (PID-3 of type PI): the latest message of a patient is the
-- one that stands, earlier ones are superseded. This is how A08/A31 update the person.
INSERT INTO staging.person_record BY NAME
WITH adt AS (
    SELECT * FROM raw.nbt_pas_adt
    UNION ALL BY NAME
    SELECT * FROM raw.nbt_pas_adt_live
)
SELECT
    mrn                                              AS local_id,
    nhs_number                                       AS nhs_number_raw,
    nhs_number_normalise(nhs_number)                 AS nhs_number,
    family_name,
    given_name,
    birth_date                                       AS birth_date_raw,
    try_strptime(birth_date, '%Y%m%d')::DATE         AS birth_date,
    -- HL7 table 0001: M, F, O other, A ambiguous, U unknown, N not applicable.
    CASE upper(sex) WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' WHEN 'O' THEN 'other' WHEN 'A' THEN 'other' ELSE 'unknown' END AS sex,
    postcode_normalise(postcode)                     AS postcode,
    upper(practice_code)                             AS practice_code,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM adt;
