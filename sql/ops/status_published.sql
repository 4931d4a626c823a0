-- ccare status: what the published copy holds. The run that last built core (and when it
-- ended), the newest nightly build, and when the first run started (a feed that has sent
-- nothing is measured from then, as the daemon measures it from its start).
SELECT b.run_id, b.job, b.finished_at, n.run_id, n.finished_at, f.first_started
FROM (SELECT min(started_at) AS first_started FROM ops.runs) AS f
LEFT JOIN (SELECT run_id, job, coalesce(finished_at, built_at) AS finished_at
           FROM ops.runs WHERE built_at IS NOT NULL ORDER BY built_at DESC LIMIT 1) AS b ON true
LEFT JOIN (SELECT run_id, coalesce(finished_at, built_at) AS finished_at
           FROM ops.runs WHERE built_at IS NOT NULL AND job = 'nightly' ORDER BY built_at DESC LIMIT 1) AS n ON true;
