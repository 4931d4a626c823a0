-- Run before the rule files of sql/quality, by the nightly and the hourly job alike.

-- quality_checked: how many source rows each rule looked at, per provider; each rule file adds
-- its own counts and ops/quality_results.sql turns them into quality.results for the run.
CREATE OR REPLACE TEMP TABLE quality_checked (
    rule_id       VARCHAR NOT NULL,
    provider      VARCHAR NOT NULL,
    rows_checked  BIGINT NOT NULL
);

-- quality_check: what each rule file defines (see templates/quality_apply.sql); empty until one does.
CREATE OR REPLACE TEMP VIEW quality_check AS
SELECT NULL::VARCHAR AS rule_id, NULL::VARCHAR AS _provider, NULL::VARCHAR AS _feed, NULL::BIGINT AS _file_id,
       NULL::VARCHAR AS _file_sha256, NULL::BIGINT AS _row_number, NULL::BIGINT AS _line, NULL::BIGINT AS _batch_id,
       NULL::BOOLEAN AS failed, NULL::VARCHAR AS reason
WHERE false;
