-- The edges the clustering step joins groups along, strongest first: a provider's own merge
-- (HL7 A40: the merged-away id is the survivor's, whatever else the records say), then
-- candidate pairs at or above the link threshold $1, one per pair of groups. det_a/det_b:
-- whether each side is an NHS number's group (two of those are never joined by a score).
WITH edges AS (
    SELECT 'merge' AS kind, merged_node AS x, survivor_node AS y, 1.0 AS probability FROM identity_merge
    UNION ALL
    SELECT 'score', a, b, match_probability FROM identity_score WHERE match_probability >= $1
),
with_a AS (
    SELECT e.*, g.group_id AS a, g.det AS det_a
    FROM identity_group g
    JOIN edges e ON e.x = g.node_id
),
with_b AS (
    SELECT e.*, g.group_id AS b, g.det AS det_b
    FROM identity_group g
    JOIN with_a e ON e.y = g.node_id
)
SELECT kind, a, b, det_a, det_b, max(probability) AS probability
FROM with_b
WHERE a <> b
GROUP BY kind, a, b, det_a, det_b
ORDER BY kind = 'merge' DESC, probability DESC, a, b;
