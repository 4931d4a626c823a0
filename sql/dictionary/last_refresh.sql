-- The last run that built core (ops.runs): the data dictionary's "last refresh".
SELECT run_id, job, built_at
FROM ops.runs
WHERE built_at IS NOT NULL
ORDER BY built_at DESC
LIMIT 1;
