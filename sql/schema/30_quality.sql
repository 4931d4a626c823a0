-- Data quality: the rule catalogue, the quarantine (rows held back by an error rule), the
-- flags (rows loaded but marked by a warning rule) and the results of every run. A row that
-- fails a rule is kept with the rule and the reason, never dropped.

-- quality.rules: the catalogue. Each sql/quality/*.sql file declares the rules it checks.
-- Categories follow the OHDSI Data Quality Dashboard (conformance, completeness,
-- plausibility), plus uniqueness and relationship.
CREATE TABLE IF NOT EXISTS quality.rules (
    rule_id      VARCHAR PRIMARY KEY,
    category     VARCHAR NOT NULL,   -- conformance | completeness | plausibility | uniqueness | relationship
    entity       VARCHAR NOT NULL,   -- person | allergy | condition | medication | encounter | care_episode | any | file
    severity     VARCHAR NOT NULL,   -- error (quarantines the row) | warning (loads it, flagged)
    description  VARCHAR NOT NULL
);
-- threshold: the highest failure rate at which a provider's rows as a whole pass the rule.
ALTER TABLE quality.rules ADD COLUMN IF NOT EXISTS threshold DOUBLE DEFAULT 0;

-- stage 'extract': the row could not be parsed (it never reached raw.*);
-- stage 'staging': the row is in raw.* but failed an error rule; rebuilt on every transform.
CREATE TABLE IF NOT EXISTS quality.quarantine (
    stage         VARCHAR NOT NULL,
    rule_id       VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    provider      VARCHAR NOT NULL,
    feed          VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    row_number    BIGINT NOT NULL,
    line          BIGINT NOT NULL,
    batch_id      BIGINT NOT NULL,
    record        JSON
);

-- quality.flag: rows that failed a warning rule and were loaded all the same (or fixed on
-- the way, such as an NHS number sent with spaces). Rebuilt on every transform. Join to a
-- core row on (provider, feed, file_sha256, row_number) = (_provider, _feed, _file_sha256, _row_number).
CREATE TABLE IF NOT EXISTS quality.flag (
    rule_id       VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,
    provider      VARCHAR NOT NULL,
    feed          VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    row_number    BIGINT NOT NULL,
    line          BIGINT NOT NULL,
    batch_id      BIGINT NOT NULL
);

-- quality.results: per run, provider and rule, how many rows the rule checked and how many
-- failed it; kept for every run that rebuilt the warehouse, so that trends can be drawn.
-- A rule appears for a provider when it checked at least one of the provider's rows.
CREATE TABLE IF NOT EXISTS quality.results (
    run_id        BIGINT NOT NULL,
    provider      VARCHAR NOT NULL,
    rule_id       VARCHAR NOT NULL,
    category      VARCHAR NOT NULL,
    severity      VARCHAR NOT NULL,
    rows_checked  BIGINT NOT NULL,
    rows_failed   BIGINT NOT NULL,
    failure_rate  DOUBLE NOT NULL,   -- rows_failed / rows_checked
    threshold     DOUBLE NOT NULL,
    passed        BOOLEAN NOT NULL,  -- failure_rate <= threshold
    PRIMARY KEY (run_id, provider, rule_id)
);
