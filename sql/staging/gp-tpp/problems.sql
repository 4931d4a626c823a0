-- staging.condition ← raw.gp_tpp_problems: SRProblem rows, SNOMED CT only.
INSERT INTO staging.condition BY NAME
SELECT
    row_identifier                                   AS record_id,
    id_patient                                       AS local_patient_id,
    snomed_code                                      AS code,
    'snomed-ct'                                      AS code_system,
    description                                      AS term,
    'problem-list-item'                              AS category,
    CASE lower(status) WHEN 'active' THEN 'active' WHEN 'past' THEN 'resolved' ELSE lower(status) END AS clinical_status,
    date_start                                       AS onset_date_raw,
    try_strptime(date_start, '%d/%m/%Y')::DATE       AS onset_date,
    date_end                                         AS abatement_date_raw,
    try_strptime(date_end, '%d/%m/%Y')::DATE         AS abatement_date,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.gp_tpp_problems;
