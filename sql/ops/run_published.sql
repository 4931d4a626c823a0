-- The run's lake snapshot and reports are in place.
UPDATE ops.runs SET published_at = now() WHERE run_id = ?;
