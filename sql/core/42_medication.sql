-- core.medication ← staging.medication: the latest version of each medication record.
CREATE OR REPLACE TABLE core.medication AS
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
        FROM staging.medication x
        ANTI JOIN quality.unversioned_rows q USING (_provider, _feed, _file_sha256, _row_number)
    )
    WHERE version > 1
)
SELECT
    md5(concat_ws('|', s._provider, s._feed, s.record_id))   AS medication_id,
    l.person_id,
    s._provider                                               AS provider,
    s.local_patient_id,
    s.record_id                                               AS source_record_id,
    s.code,
    s.code_system,
    s.term,
    s.dose_text,
    s.status,
    s.start_date,
    s.end_date,
    s.source_version,
    s._provider, s._feed, s._file_sha256, s._row_number, s._line, s._batch_id
FROM staging.medication s
ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
-- Only linked ids are hashed: an unlinked one gives no person either way.
LEFT JOIN core.person_link l ON l.provider = s._provider AND l.local_id = s.local_patient_id AND l.person_id IS NOT NULL
ANTI JOIN superseded v ON v.row_id = s.rowid;
