-- core.allergy ← staging.allergy: the latest version of each allergy record that passed the
-- error rules, with its person (NULL while the patient's local id is unlinked) and SNOMED CT.
CREATE OR REPLACE TABLE core.allergy AS
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
        FROM staging.allergy x
        ANTI JOIN quality.unversioned_rows q USING (_provider, _feed, _file_sha256, _row_number)
    )
    WHERE version > 1
)
SELECT
    md5(concat_ws('|', a._provider, a._feed, a.record_id))   AS allergy_id,
    l.person_id,
    a._provider                                               AS provider,
    a.local_patient_id,
    a.record_id                                               AS source_record_id,
    a.code,
    a.code_system,
    CASE WHEN a.code_system = 'snomed-ct' THEN a.code ELSE m.snomed_code END AS snomed_code,
    a.term,
    a.reaction,
    a.severity,
    a.clinical_status,
    CAST(NULL AS VARCHAR)                                     AS verification_status,
    a.recorded_date,
    a.source_version,
    a._provider, a._feed, a._file_sha256, a._row_number, a._line, a._batch_id
FROM staging.allergy a
ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
-- Only linked ids are hashed: an unlinked one gives no person either way.
LEFT JOIN core.person_link l ON l.provider = a._provider AND l.local_id = a.local_patient_id AND l.person_id IS NOT NULL
LEFT JOIN ref.code_map m ON m.source_system = a.code_system AND m.source_code = a.code
ANTI JOIN superseded v ON v.row_id = a.rowid;
