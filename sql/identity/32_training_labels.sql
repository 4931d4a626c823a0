-- identity_pair ← labelled pairs: local ids that carry the same valid NHS number, which are
-- one person with near certainty. How often they agree at each level estimates m directly
-- for every comparison but the NHS number itself (Splink's estimate_m_from_label_column).
-- The number is the label whatever the birth dates say, so that a swapped or mistyped birth
-- date counts against m as it should. Sampled by whole numbers, in an order fixed by a hash,
-- until about $1 pairs.
CREATE OR REPLACE TEMP TABLE identity_pair AS
WITH blocks AS (
    SELECT nhs_number AS k, count(*) AS n FROM identity_record WHERE nhs_number IS NOT NULL GROUP BY ALL
),
chosen AS (
    SELECT k FROM (
        SELECT k, sum(n * (n - 1) // 2) OVER (ORDER BY hash(k), k ROWS UNBOUNDED PRECEDING) - n * (n - 1) // 2 AS before
        FROM blocks
        WHERE n > 1
    )
    WHERE before < CAST($1 AS BIGINT)
),
sampled AS (
    SELECT node_id, nhs_number AS k FROM identity_record r SEMI JOIN chosen c ON c.k = r.nhs_number
)
SELECT l.node_id AS a, r.node_id AS b
FROM sampled l
JOIN sampled r ON r.k = l.k AND l.node_id < r.node_id;
