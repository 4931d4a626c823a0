-- Data quality: the rule catalogue and the quarantine. A row that fails an error-severity
-- rule is kept here with the rule and the reason, never dropped.

CREATE TABLE IF NOT EXISTS quality.rules (
    rule_id      VARCHAR PRIMARY KEY,
    category     VARCHAR NOT NULL,   -- conformance | completeness | plausibility | uniqueness | relationship
    entity       VARCHAR NOT NULL,
    severity     VARCHAR NOT NULL,   -- error (quarantines the row) | warning
    description  VARCHAR NOT NULL
);

-- stage 'extract': the row could not be parsed (it never reached raw.*);
-- stage 'staging': the row is in raw.* but failed a rule; rebuilt on every transform.
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
