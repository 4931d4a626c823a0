-- staging.encounter ← raw.sglos_social_services: one social care service per row (home care,
-- residential care, reablement …) as a 'social-care' encounter from its start to its end
-- (blank while ongoing; a planned end may lie ahead). Dates are YYYYMMDD, read as the start
-- of that day in Europe/London. The weekly cost (text such as £1,204.50) stays in
-- raw.sglos_social_services.weekly_cost, and the team and service code in raw too: the common
-- model's encounter has no place for them (core.care_episode, built for bcc-social, may).
INSERT INTO staging.encounter BY NAME
SELECT
    service_id                                       AS record_id,
    client_id                                        AS local_patient_id,
    'social-care'                                    AS encounter_class,
    start_date                                       AS start_raw,
    timezone('Europe/London', try_strptime(start_date, '%Y%m%d')) AS start_at,
    end_date                                         AS end_raw,
    timezone('Europe/London', try_strptime(end_date, '%Y%m%d'))   AS end_at,
    NULL                                             AS location_code,
    NULL                                             AS reason_code,
    NULL                                             AS reason_system,
    NULL                                             AS reason_text,
    NULL                                             AS discharge_destination_code,
    status                                           AS outcome_text,
    service_desc                                     AS encounter_type,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.sglos_social_services;
