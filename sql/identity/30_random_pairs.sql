-- identity_pair ← $1 random pairs of local ids: nearly all of them are two different people,
-- so how often their attributes agree at each level estimates u, the chance of agreement
-- between non-matches (Splink's estimate_u_using_random_sampling). Deterministic in the
-- data: the pairs come from a hash of the draw number, not from a random generator.
CREATE OR REPLACE TEMP TABLE identity_pair AS
WITH draws AS (
    -- n as UBIGINT, hash()'s type: mixed with BIGINT the modulo runs in 128 bits, 8x slower
    SELECT CAST(1 + hash(2 * i) % n AS BIGINT) AS x, CAST(1 + hash(2 * i + 1) % n AS BIGINT) AS y
    FROM range(CAST($1 AS BIGINT)) t(i)
    CROSS JOIN (SELECT CAST(greatest(count(*), 1) AS UBIGINT) AS n FROM identity_record) c
)
SELECT DISTINCT least(x, y) AS a, greatest(x, y) AS b
FROM draws
WHERE x <> y;
