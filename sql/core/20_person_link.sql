-- core.person_link ← staging.person_record, core.person_key: one row per (provider, local id).
-- A local id links to the person of the most recent valid NHS number any of its records
-- carried; with none it stays unlinked (person_id NULL) and says why, never dropped.
-- A local id its provider merged into another (HL7 A40, staging.person_merge) links to the
-- survivor's person when the survivor has one: the merge is the provider's own statement.
-- Lineage points at the local id's latest record.
CREATE OR REPLACE TABLE core.person_link AS
WITH usable AS (
    SELECT p.*, p.rowid AS row_id
    FROM staging.person_record p
    ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
),
-- One aggregate per local id gathers the evidence and which record is the latest; only that
-- record's row id goes through the aggregate, not the record (a window over whole rows, or
-- arg_max of a struct, cannot stay within a small memory limit at millions of local ids).
evidence AS (
    SELECT
        _provider,
        local_id,
        arg_max(row_id, record_order(_file_id, _row_number))                                                 AS latest_row_id,
        arg_max(nhs_number, record_order(_file_id, _row_number)) FILTER (WHERE nhs_number_valid(nhs_number)) AS nhs_number,
        count(DISTINCT nhs_number) FILTER (WHERE nhs_number_valid(nhs_number))                   AS valid_numbers,
        bool_or(nhs_number IS NOT NULL)                                                          AS any_number
    FROM usable
    GROUP BY ALL
),
merged AS (
    SELECT m._provider, m.local_id, m.survivor_id, k.person_id
    FROM (
        SELECT _provider, merged_id AS local_id, arg_max(survivor_id, record_order(_file_id, _row_number)) AS survivor_id
        FROM staging.person_merge
        ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
        GROUP BY ALL
    ) m
    JOIN evidence e ON e._provider = m._provider AND e.local_id = m.survivor_id
    JOIN core.person_key k ON k.nhs_number = e.nhs_number
)
SELECT
    e._provider                                           AS provider,
    e.local_id,
    coalesce(m.person_id, k.person_id)                    AS person_id,
    CASE WHEN m.person_id IS NOT NULL THEN 'merge'
         WHEN k.person_id IS NOT NULL THEN 'nhs-number' ELSE 'unlinked' END AS match_method,
    CASE WHEN coalesce(m.person_id, k.person_id) IS NOT NULL THEN 1.0 END AS match_score,
    CASE
        WHEN m.person_id IS NOT NULL THEN 'linked: merged into ' || m.survivor_id
        WHEN k.person_id IS NOT NULL AND e.valid_numbers > 1 THEN 'linked; records disagree on the NHS number, the latest is used'
        WHEN k.person_id IS NOT NULL THEN 'linked'
        WHEN e.any_number THEN 'unlinked: NHS number fails the Modulus 11 check'
        ELSE 'unlinked: no NHS number'
    END                                                   AS link_note,
    l._provider, l._feed, l._file_sha256, l._row_number, l._line, l._batch_id
FROM evidence e
JOIN staging.person_record l ON l.rowid = e.latest_row_id
LEFT JOIN core.person_key k ON k.nhs_number = e.nhs_number
LEFT JOIN merged m ON m._provider = e._provider AND m.local_id = e.local_id;
