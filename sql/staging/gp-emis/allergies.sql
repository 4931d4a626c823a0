-- staging.allergy ← raw.gp_emis_allergies. LastUpdated orders a
-- record's versions (source_version): an older one arriving late replaces nothing.
INSERT INTO staging.allergy BY NAME
SELECT
    allergy_guid                                     AS record_id,
    patient_guid                                     AS local_patient_id,
    code,
    CASE upper(code_system) WHEN 'READ2' THEN 'read-v2' WHEN 'SNOMED' THEN 'snomed-ct' ELSE lower(code_system) END AS code_system,
    term,
    reaction,
    lower(severity)                                  AS severity,
    'active'                                         AS clinical_status,
    recorded_date                                    AS recorded_date_raw,
    try_strptime(recorded_date, '%Y-%m-%d')::DATE    AS recorded_date,
    nullif(trim(last_updated), '')                  AS source_version,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.gp_emis_allergies;
