-- staging.medication ← raw.gp_tpp_medications: SRMedication rows, dm+d codes.
INSERT INTO staging.medication BY NAME
SELECT
    row_identifier                                   AS record_id,
    id_patient                                       AS local_patient_id,
    dmd_code                                         AS code,
    'dm+d'                                           AS code_system,
    description                                      AS term,
    dose                                             AS dose_text,
    CASE lower(status) WHEN 'active' THEN 'active' WHEN 'ended' THEN 'completed' ELSE lower(status) END AS status,
    date_start                                       AS start_date_raw,
    try_strptime(date_start, '%d/%m/%Y')::DATE       AS start_date,
    date_end                                         AS end_date_raw,
    try_strptime(date_end, '%d/%m/%Y')::DATE         AS end_date,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.gp_tpp_medications;
