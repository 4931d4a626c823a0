-- identity_person ← identity_group, identity_union, core.person_link (the last run's),
-- core.person_id_event: a person_id for every cluster of local ids, stable from run to run.
--
-- A cluster keeps the person_id most of its local ids had last run. Each old person_id goes
-- to one cluster only: the one holding most of the local ids that had it (a split: the
-- others get new ids, recorded as split from it). A cluster holding local ids of two old
-- person_ids (a merge: a new link, or an A40) keeps the one most of them had, the lowest on a
-- tie, and the other is retired as merged into it. A cluster new to the warehouse gets the
-- next unused person_id, in NHS-number order (then provider and local id) so that the same
-- inbox always yields the same ids. Every change is appended to core.person_id_event ($1 is
-- the run), so that an analyst holding an old person_id can follow it.
CREATE OR REPLACE TEMP TABLE identity_cluster AS
SELECT g.node_id, g.provider, g.local_id, g.det_key, coalesce(u.cluster_id, g.group_id) AS cluster_id
FROM identity_group g
LEFT JOIN identity_union u ON u.group_id = g.group_id;

CREATE OR REPLACE TEMP TABLE identity_claim AS
SELECT c.cluster_id, l.person_id, count(*) AS members
FROM identity_cluster c
JOIN (SELECT provider, local_id, person_id FROM core.person_link WHERE person_id IS NOT NULL) l
    ON l.provider = c.provider AND l.local_id = c.local_id
GROUP BY ALL;

-- Each old person_id's owner: the cluster with most of its local ids (the lowest cluster on a tie).
CREATE OR REPLACE TEMP TABLE identity_owner AS
SELECT person_id, arg_max(cluster_id, (CAST(members AS HUGEINT) << 64) - cluster_id) AS cluster_id
FROM identity_claim
GROUP BY person_id;

-- The person_id each owning cluster keeps: of those it owns, the one most of its local ids had.
CREATE OR REPLACE TEMP TABLE identity_kept AS
SELECT o.cluster_id, arg_max(o.person_id, (CAST(c.members AS HUGEINT) << 64) - o.person_id) AS person_id
FROM identity_claim c
JOIN identity_owner o ON o.cluster_id = c.cluster_id AND o.person_id = c.person_id
GROUP BY o.cluster_id;

CREATE OR REPLACE TEMP TABLE identity_new AS
WITH clusters AS (
    SELECT c.cluster_id, min(c.det_key) AS nhs_number, min(c.provider || '/' || c.local_id) AS first_local_id
    FROM identity_cluster c
    ANTI JOIN identity_kept k ON k.cluster_id = c.cluster_id
    GROUP BY c.cluster_id
)
SELECT
    cluster_id,
    (SELECT coalesce(max(person_id), 0) FROM core.person_id_event)
        + row_number() OVER (ORDER BY nhs_number NULLS LAST, first_local_id) AS person_id
FROM clusters;

CREATE OR REPLACE TEMP TABLE identity_person AS
SELECT c.node_id, c.provider, c.local_id, c.cluster_id, coalesce(k.person_id, n.person_id) AS person_id
FROM identity_cluster c
LEFT JOIN identity_kept k ON k.cluster_id = c.cluster_id
LEFT JOIN identity_new n ON n.cluster_id = c.cluster_id;

INSERT INTO core.person_id_event BY NAME
-- new people, and those split off an old person_id
SELECT n.person_id, 'issued' AS event,
       cl.person_id AS other_person_id, $1 AS run_id, now() AS recorded_at,
       CASE WHEN cl.person_id IS NOT NULL THEN 'split: its local ids were part of person ' || cl.person_id
            ELSE 'new' END AS note
FROM identity_new n
LEFT JOIN (
    SELECT cluster_id, arg_max(person_id, members) AS person_id FROM identity_claim GROUP BY cluster_id
) cl ON cl.cluster_id = n.cluster_id
UNION ALL
-- old person_ids merged into the one their cluster kept
SELECT o.person_id, 'merged', k.person_id, $1, now(), 'its local ids now belong to person ' || k.person_id
FROM identity_owner o
JOIN identity_kept k ON k.cluster_id = o.cluster_id
WHERE o.person_id <> k.person_id
UNION ALL
-- old person_ids none of whose local ids the warehouse holds any more
SELECT l.person_id, 'retired', NULL, $1, now(), 'no local id left'
FROM (SELECT DISTINCT person_id FROM core.person_link WHERE person_id IS NOT NULL) l
ANTI JOIN identity_claim c ON c.person_id = l.person_id;
