-- staging.condition ← raw.gp_emis_problems: problem-list entries; Read v2 for older records, else SNOMED CT. LastUpdated orders a
-- record's versions (source_version): an older one arriving late replaces nothing.
INSERT INTO staging.condition BY NAME
SELECT
    problem_guid                                     AS record_id,
    patient_guid                                     AS local_patient_id,
    code,
    CASE upper(code_system) WHEN 'READ2' THEN 'read-v2' WHEN 'SNOMED' THEN 'snomed-ct' ELSE lower(code_system) END AS code_system,
    term,
    'problem-list-item'                              AS category,
    CASE lower(status) WHEN 'active' THEN 'active' WHEN 'past' THEN 'resolved' ELSE lower(status) END AS clinical_status,
    onset_date                                       AS onset_date_raw,
    try_strptime(onset_date, '%Y-%m-%d')::DATE       AS onset_date,
    end_date                                         AS abatement_date_raw,
    try_strptime(end_date, '%Y-%m-%d')::DATE         AS abatement_date,
    nullif(trim(last_updated), '')                  AS source_version,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.gp_emis_problems;
