-- Schemas of the warehouse, one per layer of the data flow (see ARCHITECTURE.md):
-- raw (as sent) → staging (typed, common shape) → core (the common model), with quality,
-- ops (ledgers) and ref (reference data) beside them.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS ref;
-- history: every version of the core tables, with validity intervals (load/history.go).
CREATE SCHEMA IF NOT EXISTS history;
