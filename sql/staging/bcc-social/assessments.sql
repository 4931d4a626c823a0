-- staging.encounter ← raw.bcc_social_assessments: the Assessments sheet. Each assessment
-- is a social-care encounter from its Assessment Date to its Completed Date (empty while
-- it is in progress). The sheet holds dates only: they are read as midnight, London time.
INSERT INTO staging.encounter BY NAME
SELECT
    assessment_id                                    AS record_id,
    person_id                                        AS local_patient_id,
    'social-care'                                    AS encounter_class,
    assessment_date                                  AS start_raw,
    timezone('Europe/London', coalesce(try_strptime(assessment_date, '%Y-%m-%d'), try_strptime(assessment_date, '%d/%m/%Y'))) AS start_at,
    completed_date                                   AS end_raw,
    timezone('Europe/London', coalesce(try_strptime(completed_date, '%Y-%m-%d'), try_strptime(completed_date, '%d/%m/%Y'))) AS end_at,
    NULL                                             AS location_code,   -- a council team is not a site
    NULL                                             AS reason_code,
    NULL                                             AS reason_system,
    NULL                                             AS reason_text,
    NULL                                             AS discharge_destination_code,
    outcome                                          AS outcome_text,
    assessment_type                                  AS encounter_type,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.bcc_social_assessments;
