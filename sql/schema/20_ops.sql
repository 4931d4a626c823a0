-- Operational ledgers: every run, and every file the pipeline has ever looked at.

CREATE TABLE IF NOT EXISTS ops.runs (
    run_id            BIGINT PRIMARY KEY,
    job               VARCHAR NOT NULL,          -- nightly | hourly | demo
    started_at        TIMESTAMPTZ NOT NULL,
    finished_at       TIMESTAMPTZ,
    status            VARCHAR NOT NULL,          -- running | succeeded | failed
    files_new         INTEGER,
    files_skipped     INTEGER,
    files_rejected    INTEGER,
    rows_read         BIGINT,
    rows_loaded       BIGINT,
    rows_quarantined  BIGINT,
    rows_superseded   BIGINT,
    message           VARCHAR
);

-- One row per distinct file (provider, feed, sha256). A file already loaded is skipped;
-- a rejected file is tried again on the next run (its configuration may have been fixed).
-- Row conservation: rows_read = rows_loaded + rows_quarantined + rows_superseded.
CREATE TABLE IF NOT EXISTS ops.file_ledger (
    file_id           BIGINT PRIMARY KEY,
    provider          VARCHAR NOT NULL,
    feed              VARCHAR NOT NULL,
    entity            VARCHAR NOT NULL,          -- what one row of the feed is: person, allergy, …
    file_name         VARCHAR NOT NULL,
    sha256            VARCHAR NOT NULL,
    size_bytes        BIGINT NOT NULL,
    received_at       TIMESTAMPTZ NOT NULL,      -- the file's modification time when found
    batch_id          BIGINT NOT NULL,           -- the run that landed it
    status            VARCHAR NOT NULL,          -- loaded | rejected
    rows_read         BIGINT NOT NULL DEFAULT 0,
    rows_loaded       BIGINT NOT NULL DEFAULT 0,
    rows_quarantined  BIGINT NOT NULL DEFAULT 0,
    rows_superseded   BIGINT NOT NULL DEFAULT 0,
    message           VARCHAR,
    UNIQUE (provider, feed, sha256)
);

-- ops.step_timings: what each phase of a run took. step 'extract' (the landing's wall clock),
-- 'extract file' (each file's own time: files land side by side, so these overlap),
-- 'transform' (each SQL step), 'publish' (views, the archive of superseded extracts, lake).
CREATE TABLE IF NOT EXISTS ops.step_timings (
    run_id     BIGINT NOT NULL,
    step       VARCHAR NOT NULL,
    detail     VARCHAR,
    seconds    DOUBLE NOT NULL,
    rows       BIGINT
);

-- Schema drift: each file's header as received, and the columns it has that the feed's last
-- loaded file did not (quality rule SCH-001; the values are kept in raw.*._extra).
ALTER TABLE ops.file_ledger ADD COLUMN IF NOT EXISTS header VARCHAR[];
ALTER TABLE ops.file_ledger ADD COLUMN IF NOT EXISTS added_columns VARCHAR[];
-- A whole feed's file (delivery: whole) once a later extract of the feed has superseded it:
-- that file's id. The nightly job no longer reads it; its counts are final (NULL: still read).
ALTER TABLE ops.file_ledger ADD COLUMN IF NOT EXISTS superseded_by BIGINT;
-- Retention: once a superseded file's rows have left raw.*, the Parquet file holding them
-- (every column as landed, lineage included) and when they moved. NULL: still in raw.
ALTER TABLE ops.file_ledger ADD COLUMN IF NOT EXISTS archived_to VARCHAR;
ALTER TABLE ops.file_ledger ADD COLUMN IF NOT EXISTS archived_at TIMESTAMPTZ;

-- Crash safety: built_at is set in the same transaction as the run's core tables, published_at
-- once its lake snapshot and reports are in place. A run that died (kill -9, power) leaves
-- neither, and its status 'running' is changed to 'interrupted' by the next run, which then
-- rebuilds (ops/up_to_date.sql) whatever the dead run had landed.
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS built_at TIMESTAMPTZ;
ALTER TABLE ops.runs ADD COLUMN IF NOT EXISTS published_at TIMESTAMPTZ;

-- The schema files last applied (a sha256 over sql/schema): a run skips applying them again
-- when they have not changed since (load.ApplySchema).
CREATE TABLE IF NOT EXISTS ops.schema_applied (sha256 VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL);
