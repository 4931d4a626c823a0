-- analyst (dropped): run when the pipeline has no pseudonymisation secret. Tables keyed by
-- an earlier secret would go stale, and nothing may rebuild them; better none than wrong.
DROP SCHEMA IF EXISTS analyst CASCADE;
