-- identity_group: each local id's group before any probabilistic link: the local ids linked
-- deterministically on one NHS number form one group (named by its lowest node id); an open
-- local id is a group of its own. identity_merge: the provider's own merges (HL7 A40, the
-- latest on each merged-away id, unless an A37 took it back) as pairs of node ids. identity_union, filled by the
-- clustering step (transform, Go), says which cluster each group joined to another went to.
CREATE OR REPLACE TEMP TABLE identity_group AS
SELECT r.node_id, r.provider, r.local_id, r.det_key, coalesce(d.group_id, r.node_id) AS group_id,
       r.det_key IS NOT NULL AS det
FROM identity_record r
LEFT JOIN (
    SELECT det_key, min(node_id) AS group_id FROM identity_record WHERE det_key IS NOT NULL GROUP BY ALL
) d ON d.det_key = r.det_key;

CREATE OR REPLACE TEMP TABLE identity_merge AS
WITH said AS (
    SELECT m._provider AS provider, m.action, m.merged_id, m.survivor_id, record_order(m._file_id, m._row_number) AS said_at
    FROM staging.person_merge m
    ANTI JOIN quality.quarantined_rows q
        ON q._provider = m._provider AND q._feed = m._feed
       AND q._file_sha256 = m._file_sha256 AND q._row_number = m._row_number
),
latest AS (
    SELECT provider, merged_id, arg_max(survivor_id, said_at) AS survivor_id, max(said_at) AS said_at
    FROM said
    WHERE action = 'merge'
    GROUP BY ALL
),
merges AS (
    -- an unmerge of the same pair said after the merge takes it back
    SELECT l.provider, l.merged_id, l.survivor_id
    FROM latest l
    ANTI JOIN (SELECT * FROM said WHERE action = 'unmerge') u
        ON u.provider = l.provider AND u.merged_id = l.merged_id AND u.survivor_id = l.survivor_id
       AND u.said_at > l.said_at
),
merged AS (
    SELECT m.*, r.node_id AS merged_node
    FROM identity_record r
    JOIN merges m ON m.provider = r.provider AND m.merged_id = r.local_id
)
SELECT m.provider, m.merged_id, m.survivor_id, m.merged_node, r.node_id AS survivor_node
FROM identity_record r
JOIN merged m ON m.provider = r.provider AND m.survivor_id = r.local_id;

CREATE OR REPLACE TEMP TABLE identity_union (group_id BIGINT NOT NULL, cluster_id BIGINT NOT NULL);
