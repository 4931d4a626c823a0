-- Runs still 'running' when a new run holds the writer's lock died without finishing (the
-- lock is released by the kernel when its holder dies): say so. $1 is what the lock knew.
UPDATE ops.runs SET status = 'interrupted', message = ?
WHERE status = 'running'
RETURNING run_id;
