-- core.person_id_event: every person_id ever issued and what became of it, appended to and
-- never rebuilt (sql/identity/70_person_id.sql): issued (new, or split off another person),
-- merged (into other_person_id), retired (no local id left). The next person_id is one more
-- than the highest here, so an id is never reused; an analyst holding an old id follows it.
CREATE TABLE IF NOT EXISTS core.person_id_event (
    person_id        BIGINT NOT NULL,
    event            VARCHAR NOT NULL,  -- issued | merged | retired
    other_person_id  BIGINT,            -- merged: the survivor; issued by a split: the source
    run_id           BIGINT,
    recorded_at      TIMESTAMPTZ NOT NULL,
    note             VARCHAR
);

-- Warehouses made before identity resolution kept person_ids per NHS number in
-- core.person_key; their ids carry over as issued, and their links as core.person_link.
CREATE TABLE IF NOT EXISTS core.person_key (person_id BIGINT, nhs_number VARCHAR, first_batch_id BIGINT);
INSERT INTO core.person_id_event BY NAME
SELECT person_id, 'issued' AS event, NULL AS other_person_id, NULL AS run_id, now() AS recorded_at,
       'carried over from core.person_key' AS note
FROM core.person_key
WHERE NOT EXISTS (SELECT 1 FROM core.person_id_event);
DROP TABLE core.person_key;

-- core.person_link is rebuilt by every transform (sql/identity/80_person_link.sql); declared
-- here so that the first run can read "last run's links" (none).
CREATE TABLE IF NOT EXISTS core.person_link (
    provider VARCHAR, local_id VARCHAR, person_id BIGINT, match_method VARCHAR, match_score DOUBLE,
    link_note VARCHAR, _provider VARCHAR, _feed VARCHAR, _file_sha256 VARCHAR, _row_number BIGINT,
    _line BIGINT, _batch_id BIGINT
);

-- core.link_model: the Fellegi-Sunter model of the last transform, one row per comparison
-- level: m (how often true matches agree at that level), u (how often non-matches do),
-- where each came from (em, random-sample, config) and the weight log2(m/u) it gives.
CREATE TABLE IF NOT EXISTS core.link_model (
    comparison  VARCHAR NOT NULL,
    level       INTEGER NOT NULL,
    label       VARCHAR NOT NULL,
    m           DOUBLE NOT NULL,
    u           DOUBLE NOT NULL,
    m_source    VARCHAR NOT NULL,
    u_source    VARCHAR NOT NULL,
    weight      DOUBLE NOT NULL
);

-- quality.quarantined_rows: each source row held back by at least one error rule.
CREATE OR REPLACE VIEW quality.quarantined_rows AS
SELECT DISTINCT provider AS _provider, feed AS _feed, file_sha256 AS _file_sha256, row_number AS _row_number
FROM quality.quarantine;

-- quality.unversioned_rows: the quarantined rows that are not versions of their record,
-- i.e. held back by a rule other than the withdrawal (WDR-001). A withdrawal is a version:
-- the latest word on its record, which it removes from core (sql/core/4*.sql rank versions
-- among the rows not held here, and load none of a record whose latest is withdrawn).
CREATE OR REPLACE VIEW quality.unversioned_rows AS
SELECT DISTINCT provider AS _provider, feed AS _feed, file_sha256 AS _file_sha256, row_number AS _row_number
FROM quality.quarantine
WHERE rule_id <> 'WDR-001';
