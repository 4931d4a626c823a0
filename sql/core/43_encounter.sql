-- core.encounter ← staging.encounter: ED attendances, out-of-hours cases (and, as more
-- systems arrive, admissions and social-care contacts); latest version of each.
CREATE OR REPLACE TABLE core.encounter AS
SELECT
    md5(concat_ws('|', e._provider, e._feed, e.record_id))   AS encounter_id,
    l.person_id,
    e._provider                                               AS provider,
    e.local_patient_id,
    e.record_id                                               AS source_record_id,
    e.encounter_class,
    e.encounter_type,
    e.start_at,
    e.end_at,
    e.location_code,
    e.reason_code,
    e.reason_system,
    e.reason_text,
    e.discharge_destination_code,
    e.outcome_text,
    e._provider, e._feed, e._file_sha256, e._row_number, e._line, e._batch_id
FROM staging.encounter e
ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
LEFT JOIN core.person_link l ON l.provider = e._provider AND l.local_id = e.local_patient_id
QUALIFY row_number() OVER (PARTITION BY e._provider, e._feed, e.record_id ORDER BY e._file_id DESC, e._row_number DESC) = 1;
