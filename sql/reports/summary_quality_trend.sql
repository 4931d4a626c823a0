-- The quality trend: for each of the last ? runs that recorded quality results, per
-- configured provider and rule category, the rows checked and failed and whether an
-- error-severity rule failed its threshold (the same sums as summary_scorecard.sql, run by
-- run). Oldest run first; started_at from ops.runs.
WITH runs AS (
    SELECT run_id
    FROM (SELECT DISTINCT run_id FROM quality.results)
    ORDER BY run_id DESC
    LIMIT ?
)
SELECT
    r.run_id,
    o.started_at,
    r.provider,
    r.category,
    sum(r.rows_checked)                              AS rows_checked,
    sum(r.rows_failed)                               AS rows_failed,
    bool_or(r.severity = 'error' AND NOT r.passed)   AS error_rule_failed
FROM quality.results r
JOIN runs USING (run_id)
JOIN ref.provider p ON p.provider = r.provider
LEFT JOIN ops.runs o ON o.run_id = r.run_id
GROUP BY r.run_id, o.started_at, r.provider, p.trust_rank, r.category
ORDER BY r.run_id, p.trust_rank, r.provider, r.category;
