-- core.condition ← staging.condition: problem-list entries and encounter diagnoses, latest
-- version of each, with the person and the code mapped to SNOMED CT where it is Read v2.
CREATE OR REPLACE TABLE core.condition AS
WITH versioned AS NOT MATERIALIZED (
    -- The rows that passed the rules or withdraw their record (a withdrawal is quarantined
    -- by WDR-001, so a record whose latest word is a withdrawal loads nothing), by row id:
    -- only the row ids go through the window below, not whole rows, which at ten million
    -- rows is the difference between fitting a small memory limit and failing to pin blocks.
    SELECT x.rowid AS row_id, x._provider, x._feed, x.record_id, x.source_version, x._file_id, x._row_number,
           hash(x._provider, x._feed, x.record_id) AS record_hash
    FROM staging.condition x
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
