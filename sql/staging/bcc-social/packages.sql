-- staging.care_episode ← raw.bcc_social_packages: the Care Packages sheet. One row is one
-- package of care; dates as in clients.sql (Excel dates decoded to YYYY-MM-DD, or typed
-- dd/mm/yyyy). An open package has no End Date.
INSERT INTO staging.care_episode BY NAME
SELECT
    package_id                                       AS record_id,
    person_id                                        AS local_patient_id,
    service_type,
    provider                                         AS service_provider,
    team,
    lower(trim(status))                              AS status,
    start_date                                       AS start_date_raw,
    coalesce(try_strptime(start_date, '%Y-%m-%d'), try_strptime(start_date, '%d/%m/%Y'))::DATE AS start_date,
    end_date                                         AS end_date_raw,
    coalesce(try_strptime(end_date, '%Y-%m-%d'), try_strptime(end_date, '%d/%m/%Y'))::DATE AS end_date,
    try_cast(weekly_cost AS DECIMAL(10, 2))          AS weekly_cost,
    true                                             AS _primary,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM raw.bcc_social_packages;
