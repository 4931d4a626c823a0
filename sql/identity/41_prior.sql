-- λ: the chance that two local ids picked at random are one person. Estimated from the
-- groups that share an NHS number: the pairs within them over all pairs among their local
-- ids (open local ids are people in about the same proportion). Kept within [1e-9, 0.5].
WITH groups AS (
    SELECT count(*) AS n FROM identity_record WHERE det_key IS NOT NULL GROUP BY det_key
),
totals AS (
    SELECT count(det_key) AS det FROM identity_record
)
SELECT least(greatest(coalesce(
           (SELECT sum(n * (n - 1) / 2) FROM groups) / nullif(det * (det - 1) / 2, 0), 1e-6), 1e-9), 0.5)
FROM totals;
