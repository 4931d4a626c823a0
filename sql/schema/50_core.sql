-- core.person_key: the one table of core that is never rebuilt. It remembers which person_id
-- each NHS number was given, so that a new run never renumbers people analysts already know.
CREATE TABLE IF NOT EXISTS core.person_key (
    person_id       BIGINT PRIMARY KEY,
    nhs_number      VARCHAR NOT NULL UNIQUE,
    first_batch_id  BIGINT NOT NULL
);

-- quality.quarantined_rows: each source row held back by at least one error rule.
CREATE OR REPLACE VIEW quality.quarantined_rows AS
SELECT DISTINCT provider AS _provider, feed AS _feed, file_sha256 AS _file_sha256, row_number AS _row_number
FROM quality.quarantine;
