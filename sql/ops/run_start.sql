-- Opens a run in the ledger; its id is the batch id on every row it lands.
INSERT INTO ops.runs (run_id, job, started_at, status)
SELECT coalesce(max(run_id), 0) + 1, ?, ?, 'running' FROM ops.runs
RETURNING run_id;
