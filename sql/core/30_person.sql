-- core.person ← core.person_link, staging.person_record, ref.provider: the golden record, one
-- row per person_id (every local id has one: sql/identity). Survivorship per attribute: the value
-- from the most trusted source (ref.provider.trust_rank: GP before acute before others),
-- and within a source the most recent record.
--
-- DuckDB's planner sees no rows in core.person_link (built earlier in
-- this transaction), so left to itself it hashes the join of staging records to linked ids
-- (millions of wide rows) to probe the ten-row ref.provider: out of memory under a small
-- memory_limit. The joins therefore run as written: each JOIN's right side is the one hashed,
-- and it is always the smaller. The linked records go to a temporary table first, which
-- DuckDB can spill to disk, so that the join's and the aggregate's memory are not needed at once.
-- Statements marked "full build only" are left out for the hourly job's small batch
-- (transform/incremental.go), whose planner sees the batch's size and does better unconstrained.
SET disabled_optimizers = 'join_order,build_side_probe_side'; -- full build only
-- One thread for this file: each thread keeps its own partial aggregates of the golden
-- record, and under a small memory limit two sets do not fit beside the transaction's
-- other data. The configured thread count is restored at the end.
SET VARIABLE ccare_threads = current_setting('threads');
SET threads = 1; -- full build only

-- Each provider as one bit, so that how many providers know a person is a fixed-size
-- aggregate (bit_or) that can spill, where count(DISTINCT provider) keeps a set per person
-- in memory: too much at a million people under a small memory limit. 64 providers at most.
CREATE OR REPLACE TEMP TABLE person_provider_bit AS
SELECT provider, trust_rank,
       CAST(1 AS UBIGINT) << CAST(row_number() OVER (ORDER BY provider) - 1 AS INTEGER) AS bit,
       CASE WHEN count(*) OVER () > 64 THEN error('more than 64 providers: core/30_person.sql counts them in 64 bits') END AS too_many
FROM ref.provider;

CREATE OR REPLACE TEMP TABLE person_survivorship_records AS
    SELECT l.person_id, CASE WHEN nhs_number_valid(p.nhs_number) THEN p.nhs_number END AS nhs_number,
           p.nhs_number_raw IS NOT NULL AS any_number, p.family_name, p.given_name, p.birth_date, p.sex, p.postcode, p.practice_code,
           pr.bit AS provider_bit,
           -- lowest first: the most trusted source, then its most recent record; in 64 bits
           -- (trust rank, then file and row in 20 and 32 bits), as the aggregate below keeps
           -- one per attribute and person
           CASE WHEN p._file_id >= 1048576 OR p._row_number >= 4294967296
                THEN error('core/30_person.sql: file id or row number too large for the survivorship key') END AS too_large,
           (CAST(pr.trust_rank AS BIGINT) << 53)
               + ((CAST(1 AS BIGINT) << 52) - 1 - ((CAST(p._file_id AS BIGINT) << 32) + p._row_number)) AS survivorship
    FROM staging.person_record p
    JOIN core.person_link l ON l.provider = p._provider AND l.local_id = p.local_id AND l.person_id IS NOT NULL
    JOIN person_provider_bit pr ON pr.provider = p._provider
    ANTI JOIN quality.quarantined_rows q
        ON q._provider = p._provider AND q._feed = p._feed
       AND q._file_sha256 = p._file_sha256 AND q._row_number = p._row_number;

CREATE OR REPLACE TABLE core.person AS
WITH golden AS (
    SELECT
        person_id,
        arg_min(nhs_number,    survivorship) FILTER (WHERE nhs_number IS NOT NULL)    AS nhs_number,
        bool_or(any_number)                                                           AS any_number,
        arg_min(family_name,   survivorship) FILTER (WHERE family_name IS NOT NULL)   AS family_name,
        arg_min(given_name,    survivorship) FILTER (WHERE given_name IS NOT NULL)    AS given_name,
        arg_min(birth_date,    survivorship) FILTER (WHERE birth_date IS NOT NULL)    AS birth_date,
        coalesce(arg_min(sex,  survivorship) FILTER (WHERE sex <> 'unknown'), 'unknown') AS sex,
        arg_min(postcode,      survivorship) FILTER (WHERE postcode IS NOT NULL)      AS postcode,
        arg_min(practice_code, survivorship) FILTER (WHERE practice_code IS NOT NULL) AS practice_code,
        bit_count(bit_or(provider_bit))                                               AS provider_count
    FROM person_survivorship_records
    GROUP BY person_id
)
SELECT
    g.person_id,
    g.nhs_number,
    CASE WHEN g.nhs_number IS NOT NULL THEN 'valid' WHEN g.any_number THEN 'invalid' ELSE 'missing' END AS nhs_number_status,
    g.family_name,
    g.given_name,
    g.birth_date,
    CAST(NULL AS DATE)         AS death_date,
    g.sex,
    g.postcode,
    g.practice_code,
    g.provider_count
FROM golden g;

DROP TABLE person_survivorship_records;
DROP TABLE person_provider_bit;
RESET disabled_optimizers;
SET threads = getvariable('ccare_threads');
