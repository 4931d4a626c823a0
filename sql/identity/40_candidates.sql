-- identity_pair ← candidate pairs: every open local id (no NHS number it can be linked on;
-- 10_records.sql) against every local id that shares a blocking key with it. Two local ids
-- that both carry valid NHS numbers are never compared: the same number links them, and
-- different numbers say they are different people. Blocking keeps the cost near-linear in
-- the population; the rules are a union, so that an error in one attribute (a swapped day and
-- month, a misspelt name, names the wrong way round, a move of house) still leaves a rule
-- that brings the two records together:
--   birth date (either way round) and family name Soundex
--   birth date (either way round) and given name Soundex
--   birth date (either way round) and postcode
--   both name Soundex codes (either way round) and birth year
--   postcode and family name Soundex
CREATE OR REPLACE TEMP TABLE identity_pair AS
WITH open AS (
    SELECT node_id, birth_key, family_sx, given_sx, postcode, year(birth_date) AS birth_year
    FROM identity_record WHERE det_key IS NULL
),
pairs AS (
    -- every local id probes the (few) open ones, which are the side hashed
    SELECT o.node_id AS x, r.node_id AS y FROM identity_record r JOIN open o
        ON r.birth_key = o.birth_key AND r.family_sx = o.family_sx
    UNION ALL
    SELECT o.node_id, r.node_id FROM identity_record r JOIN open o
        ON r.birth_key = o.birth_key AND r.given_sx = o.given_sx
    UNION ALL
    SELECT o.node_id, r.node_id FROM identity_record r JOIN open o
        ON r.birth_key = o.birth_key AND r.postcode = o.postcode
    UNION ALL
    SELECT o.node_id, r.node_id FROM identity_record r JOIN open o
        ON least(r.family_sx, r.given_sx) = least(o.family_sx, o.given_sx)
       AND greatest(r.family_sx, r.given_sx) = greatest(o.family_sx, o.given_sx)
       AND year(r.birth_date) = o.birth_year
    UNION ALL
    SELECT o.node_id, r.node_id FROM identity_record r JOIN open o
        ON r.postcode = o.postcode AND r.family_sx = o.family_sx
)
SELECT DISTINCT least(x, y) AS a, greatest(x, y) AS b
FROM pairs
WHERE x <> y;
