-- identity_pair ← training pairs blocked on the birth date (day and month either way round):
-- EM estimates m for every comparison but the birth date from them. Whole blocks are taken,
-- in an order fixed by a hash of the key, until about $1 pairs: a sample that keeps each
-- block's pairs together, as EM needs the matches and non-matches of the same blocks.
CREATE OR REPLACE TEMP TABLE identity_pair AS
WITH blocks AS (
    SELECT birth_key AS k, count(*) AS n FROM identity_record WHERE birth_key IS NOT NULL GROUP BY ALL
),
chosen AS (
    SELECT k FROM (
        SELECT k, sum(n * (n - 1) // 2) OVER (ORDER BY hash(k), k ROWS UNBOUNDED PRECEDING) - n * (n - 1) // 2 AS before
        FROM blocks
    )
    WHERE before < CAST($1 AS BIGINT)
),
sampled AS (
    SELECT node_id, birth_key FROM identity_record r SEMI JOIN chosen c ON c.k = r.birth_key
)
SELECT l.node_id AS a, r.node_id AS b
FROM sampled l
JOIN sampled r ON r.birth_key = l.birth_key AND l.node_id < r.node_id;
