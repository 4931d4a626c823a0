-- core.encounter ← staging.encounter: ED attendances, admissions, EPR encounters,
-- out-of-hours and dental contacts, social-care assessments and services; latest version of each.
CREATE OR REPLACE TABLE core.encounter AS
WITH superseded AS (
    -- Older versions of a record: every row but its latest, among the rows that passed
    -- the rules or withdraw the record (a withdrawal is quarantined by WDR-001, so a record
    -- whose latest word is a withdrawal loads nothing). Latest: the highest source_version
    -- (the source's own order), then the latest arrival, so an older version arriving late
    -- replaces nothing. Only the row ids go through the window, not whole rows: at ten
    -- million rows that is the difference between fitting a small memory limit and failing
    -- to pin blocks.
    SELECT row_id FROM (
        SELECT x.rowid AS row_id,
               row_number() OVER (PARTITION BY x._provider, x._feed, x.record_id ORDER BY x.source_version DESC NULLS LAST, x._file_id DESC, x._row_number DESC) AS version
        FROM staging.encounter x
        ANTI JOIN quality.unversioned_rows q USING (_provider, _feed, _file_sha256, _row_number)
    )
    WHERE version > 1
)
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
    e.source_version,
    e._provider, e._feed, e._file_sha256, e._row_number, e._line, e._batch_id
FROM staging.encounter e
ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
-- Only linked ids are hashed: an unlinked one gives no person either way.
LEFT JOIN core.person_link l ON l.provider = e._provider AND l.local_id = e.local_patient_id AND l.person_id IS NOT NULL
ANTI JOIN superseded v ON v.row_id = e.rowid;
