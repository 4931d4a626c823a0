-- The run's core tables are built: set in the transaction that commits them.
UPDATE ops.runs SET built_at = now() WHERE run_id = ?;
