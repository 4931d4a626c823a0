-- staging.condition ← raw.nbt_cdw_diagnoses: coded inpatient diagnoses, ICD-10. Coders write
-- the NHS four-character form (E119; I10X with an X filler for a three-character code); the
-- warehouse keeps the WHO form with the dot (E11.9, I10), which ref.code_map maps to SNOMED CT.
-- The spell id stays in raw: the spell itself (the encounter) comes from the PAS, not here.
INSERT INTO staging.condition BY NAME
WITH coded AS (
    SELECT *, upper(replace(trim(icd10_code), '.', '')) AS icd
    FROM raw.nbt_cdw_diagnoses
)
SELECT
    diagnosis_id                                     AS record_id,
    upper(trim(mrn))                                 AS local_patient_id,
    CASE
        WHEN icd IS NULL THEN NULL
        WHEN length(icd) = 4 AND icd[4] = 'X' THEN icd[1:3]
        WHEN length(icd) > 3 THEN icd[1:3] || '.' || icd[4:]
        ELSE icd
    END                                              AS code,
    'icd-10'                                         AS code_system,
    diagnosis_description                            AS term,
    'encounter-diagnosis'                            AS category,
    'active'                                         AS clinical_status,
    diagnosis_date                                   AS onset_date_raw,
    try_strptime(diagnosis_date, '%Y-%m-%d')::DATE   AS onset_date,
    NULL                                             AS abatement_date_raw,
    NULL                                             AS abatement_date,
    NULL                                             AS encounter_record_id,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM coded;
