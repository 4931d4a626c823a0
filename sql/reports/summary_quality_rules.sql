-- The quality rules table: every rule's result per configured provider in the latest run
-- that recorded quality results. Failing rules first (errors before warnings), then by
-- provider (as in the provider table) and rule. Counts are of records, not people.
SELECT
    r.provider,
    r.rule_id,
    r.category,
    r.severity,
    coalesce(q.description, '')  AS description,
    r.rows_checked,
    r.rows_failed,
    r.failure_rate,
    r.threshold,
    r.passed
FROM quality.results r
JOIN ref.provider p ON p.provider = r.provider
LEFT JOIN quality.rules q ON q.rule_id = r.rule_id
WHERE r.run_id = (SELECT max(run_id) FROM quality.results)
ORDER BY r.passed, r.severity <> 'error', p.trust_rank, r.provider, r.rule_id;
