-- core.person_link ← identity_record, identity_person, identity_score: one row per local id
-- (provider, local_id) with its person_id, how it was linked and the evidence, and lineage
-- pointing at the local id's latest record. match_method:
--   nhs-number     a valid NHS number, and a birth date that agrees with that number's others
--   merge          the provider merged it into another local id (HL7 A40)
--   probabilistic  its best candidate pair scored at or above the link threshold ($1)
--   no-match       nothing scored high enough: a person of its own (perhaps in core.link_review)
-- match_score is the match probability of its best pair within its person (1 for the others).
CREATE OR REPLACE TABLE core.person_link AS
WITH linked AS (
    -- each local id's best pair within its own person, at or above the link threshold
    SELECT s.a, s.b, s.match_probability
    FROM identity_person pb
    JOIN (
        SELECT s.*, pa.person_id
        FROM identity_person pa
        JOIN (SELECT a, b, match_probability FROM identity_score WHERE match_probability >= $1) s ON s.a = pa.node_id
    ) s ON s.b = pb.node_id AND s.person_id = pb.person_id
),
best AS (
    SELECT node_id, max(match_probability) AS probability
    FROM (SELECT a AS node_id, match_probability FROM linked UNION ALL SELECT b, match_probability FROM linked)
    GROUP BY node_id
),
merged AS (
    -- merged-away local ids whose survivor is in the same person
    SELECT m.merged_node AS node_id, m.survivor_id
    FROM identity_person ps
    JOIN (
        SELECT m.*, pm.person_id
        FROM identity_person pm
        JOIN identity_merge m ON m.merged_node = pm.node_id
    ) m ON m.survivor_node = ps.node_id AND m.person_id = ps.person_id
),
people AS (
    SELECT r.*, p.person_id, b.probability, m.survivor_id
    FROM identity_record r
    JOIN identity_person p ON p.node_id = r.node_id
    LEFT JOIN best b ON b.node_id = r.node_id
    LEFT JOIN merged m ON m.node_id = r.node_id
)
SELECT
    e.provider,
    e.local_id,
    e.person_id,
    CASE WHEN e.survivor_id IS NOT NULL THEN 'merge'
         WHEN e.det_key IS NOT NULL THEN 'nhs-number'
         WHEN e.probability IS NOT NULL THEN 'probabilistic'
         ELSE 'no-match' END                              AS match_method,
    CASE WHEN e.survivor_id IS NOT NULL OR e.det_key IS NOT NULL THEN 1.0
         ELSE e.probability END                           AS match_score,
    CASE
        WHEN e.survivor_id IS NOT NULL THEN 'linked: merged into ' || e.survivor_id
        WHEN e.det_key IS NOT NULL AND e.numbers_disagree THEN 'linked on NHS number; records disagree on the NHS number, the latest is used'
        WHEN e.det_key IS NOT NULL THEN 'linked on NHS number'
        WHEN e.probability IS NOT NULL THEN format('linked by demographics (match probability {:.4f}); {}', e.probability,
            CASE WHEN e.nhs_number IS NOT NULL THEN 'its NHS number''s other records give another birth date'
                 WHEN e.nhs_digits_invalid IS NOT NULL THEN 'NHS number fails the Modulus 11 check'
                 ELSE 'no NHS number' END)
        WHEN e.nhs_number IS NOT NULL THEN 'no match: its NHS number''s other records give another birth date'
        WHEN e.nhs_digits_invalid IS NOT NULL THEN 'no match: NHS number fails the Modulus 11 check'
        ELSE 'no match: no NHS number, and no other record agrees closely enough'
    END                                                   AS link_note,
    l._provider, l._feed, l._file_sha256, l._row_number, l._line, l._batch_id
FROM staging.person_record l
JOIN people e ON e.latest_row_id = l.rowid;
