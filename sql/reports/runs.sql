-- ccare runs: the run history, newest first ($1 runs): what each run did, how long each of its
-- phases took (ops.step_timings) and the rows its files brought (ops.runs' totals). A run
-- that died shows status 'interrupted' once a later run has started.
SELECT
    r.run_id,
    r.job,
    strftime(r.started_at, '%Y-%m-%d %H:%M:%S')                         AS started,
    r.status,
    round(epoch(r.finished_at) - epoch(r.started_at), 1)                AS seconds,
    round(sum(t.seconds) FILTER (WHERE t.step = 'extract'), 1)          AS extract_s,
    round(sum(t.seconds) FILTER (WHERE t.step = 'transform'), 1)        AS transform_s,
    round(sum(t.seconds) FILTER (WHERE t.step = 'publish'), 1)          AS publish_s,
    r.files_new,
    r.files_skipped,
    r.files_rejected,
    r.rows_read,
    r.rows_loaded,
    r.rows_quarantined,
    r.rows_superseded,
    r.message
FROM ops.runs r
LEFT JOIN ops.step_timings t ON t.run_id = r.run_id
GROUP BY ALL
ORDER BY r.run_id DESC
LIMIT $1;
