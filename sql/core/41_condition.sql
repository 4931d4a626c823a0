-- core.condition ← staging.condition: problem-list entries and encounter diagnoses, latest
-- version of each, with the person and the code mapped to SNOMED CT where it is Read v2.
CREATE OR REPLACE TABLE core.condition AS
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
        FROM staging.condition x
        ANTI JOIN quality.unversioned_rows q USING (_provider, _feed, _file_sha256, _row_number)
    )
    WHERE version > 1
)
SELECT
    md5(concat_ws('|', c._provider, c._feed, c.record_id))   AS condition_id,
    l.person_id,
    c._provider                                               AS provider,
    c.local_patient_id,
    c.record_id                                               AS source_record_id,
    c.code,
    c.code_system,
    CASE WHEN c.code_system = 'snomed-ct' THEN c.code ELSE m.snomed_code END AS snomed_code,
    c.term,
    c.category,
    c.clinical_status,
    c.onset_date,
    c.abatement_date,
    CASE WHEN c.encounter_record_id IS NOT NULL
         THEN md5(concat_ws('|', c._provider, c._feed, c.encounter_record_id)) END AS encounter_id,
    c.source_version,
    c._provider, c._feed, c._file_sha256, c._row_number, c._line, c._batch_id
FROM staging.condition c
ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
-- Only linked ids are hashed: an unlinked one gives no person either way.
LEFT JOIN core.person_link l ON l.provider = c._provider AND l.local_id = c.local_patient_id AND l.person_id IS NOT NULL
LEFT JOIN ref.code_map m ON m.source_system = c.code_system AND m.source_code = c.code
ANTI JOIN superseded v ON v.row_id = c.rowid;
