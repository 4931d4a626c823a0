-- Staging: one typed table per subject of the common model. Every provider's staging SQL
-- (sql/staging/<provider>/) inserts into these by name; they are emptied and refilled on
-- each transform. *_raw columns keep the text as sent so that a value that did not parse
-- can be reported (sql/quality) instead of silently becoming NULL.
-- Lineage on every row: _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id.
-- _primary marks the row that stands for its source record in row conservation (one per
-- source record: an ED attendance row also yields a person record and a diagnosis).

-- source_version (clinical tables): the source's own order of a record's versions, as text
-- that sorts (FHIR meta.versionId zero-padded, HL7 MSH-7 as an ISO time), or NULL where the
-- source gives none. The latest version is the highest source_version, then the latest
-- arrival: an older version that arrives late never replaces a newer one.
CREATE OR REPLACE TABLE staging.person_record (
    local_id          VARCHAR,
    nhs_number_raw    VARCHAR,
    nhs_number        VARCHAR,
    family_name       VARCHAR,
    given_name        VARCHAR,
    birth_date_raw    VARCHAR,
    birth_date        DATE,
    sex               VARCHAR,      -- male | female | other | unknown
    postcode          VARCHAR,
    practice_code     VARCHAR,
    _primary          BOOLEAN NOT NULL,
    _provider VARCHAR NOT NULL, _feed VARCHAR NOT NULL, _file_id BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _line BIGINT NOT NULL,
    _batch_id BIGINT NOT NULL
);

CREATE OR REPLACE TABLE staging.allergy (
    record_id            VARCHAR,
    local_patient_id     VARCHAR,
    code                 VARCHAR,
    code_system          VARCHAR,   -- snomed-ct | read-v2
    term                 VARCHAR,
    reaction             VARCHAR,
    severity             VARCHAR,   -- mild | moderate | severe
    clinical_status      VARCHAR,   -- active | inactive | resolved
    recorded_date_raw    VARCHAR,
    recorded_date        DATE,
    source_version    VARCHAR,      -- see above: NULL where the source gives no version order
    _primary          BOOLEAN NOT NULL,
    _provider VARCHAR NOT NULL, _feed VARCHAR NOT NULL, _file_id BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _line BIGINT NOT NULL,
    _batch_id BIGINT NOT NULL
);

CREATE OR REPLACE TABLE staging.condition (
    record_id            VARCHAR,
    local_patient_id     VARCHAR,
    code                 VARCHAR,
    code_system          VARCHAR,   -- snomed-ct | read-v2 | icd-10
    term                 VARCHAR,
    category             VARCHAR,   -- problem-list-item | encounter-diagnosis
    clinical_status      VARCHAR,   -- active | resolved
    onset_date_raw       VARCHAR,
    onset_date           DATE,
    abatement_date_raw   VARCHAR,
    abatement_date       DATE,
    encounter_record_id  VARCHAR,
    source_version    VARCHAR,      -- see above: NULL where the source gives no version order
    _primary          BOOLEAN NOT NULL,
    _provider VARCHAR NOT NULL, _feed VARCHAR NOT NULL, _file_id BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _line BIGINT NOT NULL,
    _batch_id BIGINT NOT NULL
);

CREATE OR REPLACE TABLE staging.medication (
    record_id            VARCHAR,
    local_patient_id     VARCHAR,
    code                 VARCHAR,
    code_system          VARCHAR,   -- dm+d
    term                 VARCHAR,
    dose_text            VARCHAR,
    status               VARCHAR,   -- active | completed
    start_date_raw       VARCHAR,
    start_date           DATE,
    end_date_raw         VARCHAR,
    end_date             DATE,
    source_version    VARCHAR,      -- see above: NULL where the source gives no version order
    _primary          BOOLEAN NOT NULL,
    _provider VARCHAR NOT NULL, _feed VARCHAR NOT NULL, _file_id BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _line BIGINT NOT NULL,
    _batch_id BIGINT NOT NULL
);

CREATE OR REPLACE TABLE staging.encounter (
    record_id                  VARCHAR,
    local_patient_id           VARCHAR,
    encounter_class            VARCHAR,  -- emergency | inpatient | outpatient | primary-care | out-of-hours | urgent-care | social-care
    start_raw                  VARCHAR,
    start_at                   TIMESTAMPTZ,
    end_raw                    VARCHAR,
    end_at                     TIMESTAMPTZ,
    location_code              VARCHAR,
    reason_code                VARCHAR,
    reason_system              VARCHAR,
    reason_text                VARCHAR,
    discharge_destination_code VARCHAR,
    outcome_text               VARCHAR,
    encounter_type             VARCHAR,
    source_version    VARCHAR,      -- see above: NULL where the source gives no version order
    _primary          BOOLEAN NOT NULL,
    _provider VARCHAR NOT NULL, _feed VARCHAR NOT NULL, _file_id BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _line BIGINT NOT NULL,
    _batch_id BIGINT NOT NULL
);

-- care_episode: a period of social care (a care package): what service, from whom, when.
CREATE OR REPLACE TABLE staging.care_episode (
    record_id            VARCHAR,
    local_patient_id     VARCHAR,
    service_type         VARCHAR,
    service_provider     VARCHAR,   -- the organisation delivering the care
    team                 VARCHAR,   -- the council team responsible
    status               VARCHAR,   -- active | ended | suspended
    start_date_raw       VARCHAR,
    start_date           DATE,
    end_date_raw         VARCHAR,
    end_date             DATE,
    weekly_cost          DECIMAL(10, 2),
    source_version    VARCHAR,      -- see above: NULL where the source gives no version order
    _primary          BOOLEAN NOT NULL,
    _provider VARCHAR NOT NULL, _feed VARCHAR NOT NULL, _file_id BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _line BIGINT NOT NULL,
    _batch_id BIGINT NOT NULL
);

-- person_merge: a provider saying two of its local ids are one patient (HL7 A40, action
-- merge), or taking that back (HL7 A37, action unmerge: one row each way round, since an
-- unlink does not say which id was merged away). The merged-away id is linked to the
-- survivor's person unless a later unmerge names the same pair (identity/60_groups.sql).
-- Never _primary: the message that carries the merge stands for itself in another table.
CREATE OR REPLACE TABLE staging.person_merge (
    action            VARCHAR NOT NULL, -- merge | unmerge
    merged_id         VARCHAR,      -- the local id merged away
    survivor_id       VARCHAR,      -- the local id that remains
    _provider VARCHAR NOT NULL, _feed VARCHAR NOT NULL, _file_id BIGINT NOT NULL,
    _file_sha256 VARCHAR NOT NULL, _row_number BIGINT NOT NULL, _line BIGINT NOT NULL,
    _batch_id BIGINT NOT NULL
);

-- staging.source_row: every staging row by subject, for the quality rules' counts. One source
-- record can stand behind rows of several subjects (an ED attendance: an encounter, a person
-- record, a diagnosis), so rules count distinct (file, row) pairs, not staging rows.
CREATE OR REPLACE VIEW staging.source_row AS
SELECT 'person' AS entity, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.person_record
UNION ALL SELECT 'allergy',      _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.allergy
UNION ALL SELECT 'condition',    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.condition
UNION ALL SELECT 'medication',   _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.medication
UNION ALL SELECT 'encounter',    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.encounter
UNION ALL SELECT 'care_episode', _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id FROM staging.care_episode;
