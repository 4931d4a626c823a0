-- staging.allergy ← raw.gp_tpp_allergies: SRAllergy rows, SNOMED CT.
INSERT INTO staging.allergy BY NAME
SELECT
    row_identifier                                   AS record_id,
    id_patient                                       AS local_patient_id,
    snomed_code                                      AS code,
    'snomed-ct'                                      AS code_system,
    description                                      AS term,
    reaction,
    lower(severity)                                  AS severity,
    'active'                                         AS clinical_status,
    date_recorded                                    AS recorded_date_raw,
    try_strptime(date_recorded, '%d/%m/%Y')::DATE    AS recorded_date,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.gp_tpp_allergies;
