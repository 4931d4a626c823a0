INSERT INTO ops.step_timings (run_id, step, detail, seconds, rows) VALUES (?, ?, ?, ?, ?);
