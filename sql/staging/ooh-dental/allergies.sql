-- staging.allergy ← raw.ooh_dental_allergies: allergies recorded at a patient's first contact
-- (the SQLite `allergies` table), SNOMED CT coded. The record id is the allergy reference,
-- so a form submitted twice leaves one allergy. Dates are ISO (YYYY-MM-DD).
INSERT INTO staging.allergy BY NAME
SELECT
    allergy_ref                                      AS record_id,
    patient_id                                       AS local_patient_id,
    snomed_code                                      AS code,
    'snomed-ct'                                      AS code_system,
    substance                                        AS term,
    reaction,
    lower(severity)                                  AS severity,
    'active'                                         AS clinical_status,
    recorded_on                                      AS recorded_date_raw,
    try_strptime(recorded_on, '%Y-%m-%d')::DATE      AS recorded_date,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.ooh_dental_allergies;
