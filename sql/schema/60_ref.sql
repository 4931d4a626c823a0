-- Reference data: the providers (from ccare.yaml, refreshed each run) and code maps.
CREATE TABLE IF NOT EXISTS ref.provider (
    provider      VARCHAR PRIMARY KEY,
    organisation  VARCHAR NOT NULL,
    system        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,   -- gp | acute | urgent-care | social-care
    trust_rank    INTEGER NOT NULL    -- 1 = most trusted source of demographics
);

-- Maps from a source code system to SNOMED CT for the codes the community sends.
CREATE TABLE IF NOT EXISTS ref.code_map (
    source_system  VARCHAR NOT NULL,   -- read-v2 | icd-10
    source_code    VARCHAR NOT NULL,
    snomed_code    VARCHAR NOT NULL,
    term           VARCHAR NOT NULL,
    PRIMARY KEY (source_system, source_code)
);
