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
-- A key shared by more than $1 local ids (config linkage.max_block) is not used by its rule:
-- so large a block says little (a placeholder birth date, a feed with one name for everyone)
-- and would cost pairs by the square; the other rules still apply to those records.
CREATE OR REPLACE TEMP TABLE identity_pair AS
WITH open AS (
    SELECT node_id, birth_key, family_sx, given_sx, postcode, year(birth_date) AS birth_year,
           least(family_sx, given_sx) AS name_lo, greatest(family_sx, given_sx) AS name_hi
    FROM identity_record WHERE det_key IS NULL
),
keyed AS (
    SELECT node_id, birth_key, family_sx, given_sx, postcode, year(birth_date) AS birth_year,
           least(family_sx, given_sx) AS name_lo, greatest(family_sx, given_sx) AS name_hi
    FROM identity_record
),
-- the keys of each rule small enough to use
k1 AS (SELECT birth_key, family_sx FROM keyed WHERE birth_key IS NOT NULL AND family_sx IS NOT NULL GROUP BY ALL HAVING count(*) <= $1),
k2 AS (SELECT birth_key, given_sx  FROM keyed WHERE birth_key IS NOT NULL AND given_sx IS NOT NULL  GROUP BY ALL HAVING count(*) <= $1),
k3 AS (SELECT birth_key, postcode  FROM keyed WHERE birth_key IS NOT NULL AND postcode IS NOT NULL  GROUP BY ALL HAVING count(*) <= $1),
k4 AS (SELECT name_lo, name_hi, birth_year FROM keyed WHERE name_lo IS NOT NULL AND birth_year IS NOT NULL GROUP BY ALL HAVING count(*) <= $1),
k5 AS (SELECT postcode, family_sx  FROM keyed WHERE postcode IS NOT NULL AND family_sx IS NOT NULL  GROUP BY ALL HAVING count(*) <= $1),
pairs AS (
    -- every local id probes the (few) open ones, which are the side hashed
    SELECT o.node_id AS x, r.node_id AS y FROM keyed r
    JOIN (SELECT * FROM open SEMI JOIN k1 USING (birth_key, family_sx)) o
        ON r.birth_key = o.birth_key AND r.family_sx = o.family_sx
    UNION ALL
    SELECT o.node_id, r.node_id FROM keyed r
    JOIN (SELECT * FROM open SEMI JOIN k2 USING (birth_key, given_sx)) o
        ON r.birth_key = o.birth_key AND r.given_sx = o.given_sx
    UNION ALL
    SELECT o.node_id, r.node_id FROM keyed r
    JOIN (SELECT * FROM open SEMI JOIN k3 USING (birth_key, postcode)) o
        ON r.birth_key = o.birth_key AND r.postcode = o.postcode
    UNION ALL
    SELECT o.node_id, r.node_id FROM keyed r
    JOIN (SELECT * FROM open SEMI JOIN k4 USING (name_lo, name_hi, birth_year)) o
        ON r.name_lo = o.name_lo AND r.name_hi = o.name_hi AND r.birth_year = o.birth_year
    UNION ALL
    SELECT o.node_id, r.node_id FROM keyed r
    JOIN (SELECT * FROM open SEMI JOIN k5 USING (postcode, family_sx)) o
        ON r.postcode = o.postcode AND r.family_sx = o.family_sx
)
SELECT DISTINCT least(x, y) AS a, greatest(x, y) AS b
FROM pairs
WHERE x <> y;
