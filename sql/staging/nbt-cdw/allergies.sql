-- staging.allergy ← raw.nbt_cdw_allergies: the legacy allergy register (restored from INSERT
-- statements in the dump), SNOMED CT coded, keyed by hospital number (the MRN).
INSERT INTO staging.allergy BY NAME
SELECT
    allergy_id                                       AS record_id,
    upper(trim(hospital_number))                     AS local_patient_id,
    snomed_code                                      AS code,
    'snomed-ct'                                      AS code_system,
    allergen                                         AS term,
    reaction,
    lower(severity)                                  AS severity,
    'active'                                         AS clinical_status,
    recorded_on                                      AS recorded_date_raw,
    try_strptime(recorded_on, '%Y-%m-%d')::DATE      AS recorded_date,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.nbt_cdw_allergies;
