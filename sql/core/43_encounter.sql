-- core.encounter ← staging.encounter: ED attendances, admissions, EPR encounters,
-- out-of-hours and dental contacts, social-care assessments and services; latest version of each.
CREATE OR REPLACE TABLE core.encounter AS
WITH versioned AS NOT MATERIALIZED (
    -- The rows that passed the rules or withdraw their record (a withdrawal is quarantined
    -- by WDR-001, so a record whose latest word is a withdrawal loads nothing), by row id:
    -- only the row ids go through the window below, not whole rows, which at ten million
    -- rows is the difference between fitting a small memory limit and failing to pin blocks.
    SELECT x.rowid AS row_id, x._provider, x._feed, x.record_id, x.source_version, x._file_id, x._row_number,
           hash(x._provider, x._feed, x.record_id) AS record_hash
    FROM staging.encounter x
    ANTI JOIN quality.unversioned_rows q USING (_provider, _feed, _file_sha256, _row_number)
),
superseded AS (
    -- Older versions of a record: every row but its latest. Latest: the highest
    -- source_version (the source's own order), then the latest arrival, so an older version
    -- arriving late replaces nothing. Most records arrive once, so only those with two or
    -- more rows are ranked (ranking every row was the sort of millions of rows); they are
    -- found by a 64-bit hash of the key, where a collision merely ranks two records, each in
    -- its own partition.
    SELECT row_id FROM (
        SELECT v.row_id,
               row_number() OVER (PARTITION BY v._provider, v._feed, v.record_id ORDER BY v.source_version DESC NULLS LAST, v._file_id DESC, v._row_number DESC) AS version
        FROM versioned v
        SEMI JOIN (SELECT record_hash FROM versioned GROUP BY record_hash HAVING count(*) > 1) r ON r.record_hash = v.record_hash
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
