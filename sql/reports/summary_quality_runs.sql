-- The runs the quality scorecard and its trend are drawn from: the last ? runs (newest
-- first) that recorded results in quality.results, with when each started (ops.runs).
-- The first row is the scorecard's run.
SELECT r.run_id, o.started_at
FROM (SELECT DISTINCT run_id FROM quality.results) r
LEFT JOIN ops.runs o USING (run_id)
ORDER BY r.run_id DESC
LIMIT ?;
