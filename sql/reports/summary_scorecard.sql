-- The quality scorecard: for the latest run that recorded quality results, per configured
-- provider (ref.provider) and rule category, the rows the category's rules checked and
-- failed (summed over the rules; a row checked by two rules counts twice), and whether an
-- error-severity rule of the category failed its threshold. A provider with no results in
-- that run comes back once, with a NULL category. The pass rate and its red/amber/green band
-- are worked out from these sums in one place: reports/quality.go (score).
WITH latest AS (
    SELECT max(run_id) AS run_id FROM quality.results
),
results AS (
    SELECT r.*
    FROM quality.results r
    JOIN latest USING (run_id)
)
SELECT
    p.provider,
    p.organisation,
    r.category,
    coalesce(sum(r.rows_checked), 0)                               AS rows_checked,
    coalesce(sum(r.rows_failed), 0)                                AS rows_failed,
    coalesce(bool_or(r.severity = 'error' AND NOT r.passed), false) AS error_rule_failed
FROM ref.provider p
LEFT JOIN results r ON r.provider = p.provider
GROUP BY p.provider, p.organisation, p.trust_rank, r.category
ORDER BY p.trust_rank, p.provider, r.category;
