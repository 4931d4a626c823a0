-- incremental_merges ← staging.person_merge (the hourly batch): the batch's merges still in
-- effect at its end (HL7 A40, unless an A37 of the same pair followed), as in
-- identity/60_groups.sql. Then how many of the batch's merge messages only a full transform
-- can carry out (0: the hourly job goes on): a merge of two local ids the warehouse holds as
-- different people, or into a local id it does not know; an unlink of two local ids a merge
-- made one person. A merge the warehouse already reflects (the PAS restates its merges in
-- every file) changes nothing, and a new local id merged into a known one joins its person
-- (incremental/10_links.sql).
CREATE OR REPLACE TEMP TABLE incremental_merges AS
WITH said AS (
    SELECT _provider AS provider, action, merged_id, survivor_id, record_order(_file_id, _row_number) AS said_at
    FROM staging.person_merge
),
latest AS (
    SELECT provider, merged_id, arg_max(survivor_id, said_at) AS survivor_id, max(said_at) AS said_at
    FROM said WHERE action = 'merge'
    GROUP BY ALL
)
SELECT l.provider, l.merged_id, l.survivor_id
FROM latest l
ANTI JOIN (SELECT * FROM said WHERE action = 'unmerge') u
    ON u.provider = l.provider AND u.merged_id = l.merged_id AND u.survivor_id = l.survivor_id AND u.said_at > l.said_at;

SELECT count(*) FROM (
    SELECT 1
    FROM incremental_merges m
    JOIN core.person_link a ON a.provider = m.provider AND a.local_id = m.merged_id
    LEFT JOIN core.person_link b ON b.provider = m.provider AND b.local_id = m.survivor_id
    WHERE b.person_id IS DISTINCT FROM a.person_id
    UNION ALL
    SELECT 1
    FROM incremental_merges m
    ANTI JOIN core.person_link b ON b.provider = m.provider AND b.local_id = m.survivor_id
    UNION ALL
    SELECT 1
    FROM staging.person_merge u
    JOIN core.person_link a ON a.provider = u._provider AND a.local_id = u.merged_id AND a.match_method = 'merge'
    JOIN core.person_link b ON b.provider = u._provider AND b.local_id = u.survivor_id AND b.person_id = a.person_id
    WHERE u.action = 'unmerge'
);
