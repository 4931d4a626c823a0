-- staging.medication ← raw.gp_emis_medications: repeat medications, dm+d codes. LastUpdated orders a
-- record's versions (source_version): an older one arriving late replaces nothing.
INSERT INTO staging.medication BY NAME
SELECT
    medication_guid                                  AS record_id,
    patient_guid                                     AS local_patient_id,
    dmd_code                                         AS code,
    'dm+d'                                           AS code_system,
    drug_name                                        AS term,
    dosage                                           AS dose_text,
    CASE lower(status) WHEN 'active' THEN 'active' WHEN 'ended' THEN 'completed' ELSE lower(status) END AS status,
    start_date                                       AS start_date_raw,
    try_strptime(start_date, '%Y-%m-%d')::DATE       AS start_date,
    end_date                                         AS end_date_raw,
    try_strptime(end_date, '%Y-%m-%d')::DATE         AS end_date,
    nullif(trim(last_updated), '')                  AS source_version,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.gp_emis_medications;
