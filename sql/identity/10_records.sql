-- identity_record ← staging.person_record: one row per local id (provider, local_id) with
-- what identity resolution compares: its latest valid NHS number, and the names, birth date,
-- sex and postcode of its latest record, normalised (names upper case, letters only;
-- postcode without spaces), and the blocking keys derived from them. node_id numbers the rows for the clustering step.
--
-- A local id whose latest valid NHS number is shared by other local ids, and whose birth
-- date agrees with the one most of them carry, is linked deterministically (det_key, the
-- NHS number). Every other local id is "open" and goes to probabilistic matching: no NHS
-- number, one that fails Modulus 11, or a valid one with a birth date that disagrees (a
-- keying slip in either).
--
-- DuckDB's planner sees no rows in tables made earlier in the same transaction (every table
-- of identity resolution), so left to itself it hashes the wrong side of a join, or joins
-- two of them by nested loop before the join that would have narrowed them. Join order
-- and build sides are therefore fixed as written, from here to the end of sql/identity:
-- the right side of each JOIN is the one hashed, and it is written as the smaller.
SET disabled_optimizers = 'join_order,build_side_probe_side';

-- One aggregate per local id, of fixed-size states only (row ids, 64-bit hashes, and NHS
-- numbers, which at ten characters DuckDB keeps inline): at millions of local ids under a
-- small memory limit the aggregate must be able to spill, which per-group sets of strings
-- (count(DISTINCT …)) or arg_max of long strings cannot. Names, birth date, sex and postcode
-- are then the local id's latest record's, fetched by row id.
CREATE OR REPLACE TEMP TABLE identity_latest AS
SELECT
    _provider AS provider,
    local_id,
    arg_max(row_id, record_order(_file_id, _row_number))                             AS latest_row_id,
    arg_max(nhs_number, record_order(_file_id, _row_number)) FILTER (WHERE valid)    AS nhs_number,
    min(hash(nhs_number)) FILTER (WHERE valid) <> max(hash(nhs_number)) FILTER (WHERE valid) AS numbers_disagree,
    arg_max(left(regexp_replace(nhs_number_raw, '[^0-9]', '', 'g'), 12), record_order(_file_id, _row_number))
        FILTER (WHERE nhs_number_raw IS NOT NULL AND NOT valid)                      AS nhs_digits_invalid
-- The Modulus 11 check once per record, not once per aggregate that asks (a third of the time).
FROM (SELECT *, rowid AS row_id, nhs_number_valid(nhs_number) AS valid FROM staging.person_record) p
ANTI JOIN quality.quarantined_rows q
    ON q._provider = p._provider AND q._feed = p._feed
   AND q._file_sha256 = p._file_sha256 AND q._row_number = p._row_number
GROUP BY ALL;

-- Names normalised and coded once per distinct name as sent: a community's millions of
-- records share a few tens of thousands of names, and both are string walks. They are joined
-- in the evidence statement below, not in identity_record's: that statement already holds
-- two hash tables of every local id, and with two more the 1 GB HL7 batch ran out of memory
-- at 128MB (README: "Running on real configuration").
CREATE OR REPLACE TEMP TABLE identity_name AS
SELECT raw, name, soundex_code(name) AS sx
FROM (
    SELECT raw, name_normalise(raw) AS name
    FROM (SELECT family_name AS raw FROM staging.person_record UNION SELECT given_name FROM staging.person_record)
    WHERE raw IS NOT NULL
);

CREATE OR REPLACE TEMP TABLE identity_evidence AS
SELECT
    e.provider, e.local_id, e.latest_row_id, e.nhs_number, coalesce(e.numbers_disagree, false) AS numbers_disagree,
    nullif(e.nhs_digits_invalid, '')                                 AS nhs_digits_invalid,
    fn.name                                                          AS family,
    gn.name                                                          AS given,
    p.birth_date,
    CASE WHEN p.sex IN ('male', 'female') THEN p.sex END             AS sex,
    nullif(upper(regexp_replace(p.postcode, '\s', '', 'g')), '')     AS postcode,
    fn.sx                                                            AS family_sx,
    gn.sx                                                            AS given_sx
FROM staging.person_record p
JOIN identity_latest e ON e.latest_row_id = p.rowid
LEFT JOIN identity_name fn ON fn.raw = p.family_name
LEFT JOIN identity_name gn ON gn.raw = p.given_name;

DROP TABLE identity_name;

DROP TABLE identity_latest;

-- The birth date most of an NHS number's local ids carry (ties: the earliest).
CREATE OR REPLACE TEMP TABLE identity_number_birth AS
SELECT nhs_number, arg_max(birth_date, n * 100000 - (birth_date - DATE '1800-01-01')) AS birth_date
FROM (
    SELECT nhs_number, birth_date, count(*) AS n
    FROM identity_evidence
    WHERE nhs_number IS NOT NULL AND birth_date IS NOT NULL
    GROUP BY ALL
)
GROUP BY nhs_number;

-- node_id: the local ids numbered in (provider, local_id) order, so that the numbering, and
-- all that depends on it, is the same from run to run. Only the keys are sorted (a sort of
-- every column took a third longer, on one thread), then joined back.
CREATE OR REPLACE TEMP TABLE identity_record AS
WITH numbered AS (
    SELECT provider, local_id, row_number() OVER (ORDER BY provider, local_id) AS node_id FROM identity_evidence
)
SELECT
    n.node_id,
    e.*,
    CASE WHEN e.nhs_number IS NOT NULL AND (e.birth_date IS NULL OR nb.birth_date IS NULL OR e.birth_date = nb.birth_date)
         THEN e.nhs_number END                            AS det_key,
    -- a birth date key that a day/month swap leaves alone
    CASE WHEN e.birth_date IS NOT NULL THEN
        strftime(e.birth_date, '%Y') || '-' ||
        lpad(CAST(least(month(e.birth_date), day(e.birth_date)) AS VARCHAR), 2, '0') || '-' ||
        lpad(CAST(greatest(month(e.birth_date), day(e.birth_date)) AS VARCHAR), 2, '0')
    END                                                   AS birth_key
FROM identity_evidence e
JOIN numbered n ON n.provider = e.provider AND n.local_id IS NOT DISTINCT FROM e.local_id
LEFT JOIN identity_number_birth nb ON nb.nhs_number = e.nhs_number;

DROP TABLE identity_number_birth;
DROP TABLE identity_evidence;
