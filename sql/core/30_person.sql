-- core.person ← core.person_link, staging.person_record, ref.provider: the golden record, one
-- row per person with at least one linked local id. Survivorship per attribute: the value
-- from the most trusted source (ref.provider.trust_rank: GP before acute before others),
-- and within a source the most recent record.
CREATE OR REPLACE TABLE core.person AS
WITH records AS (
    SELECT l.person_id, p.*, f.received_at,
           -- lowest first: the most trusted source, then its most recent record
           (CAST(pr.trust_rank AS HUGEINT) << 100) - record_order(p._file_id, p._row_number) AS survivorship
    FROM core.person_link l
    JOIN staging.person_record p ON p._provider = l.provider AND p.local_id = l.local_id
    JOIN ref.provider pr ON pr.provider = p._provider
    JOIN ops.file_ledger f ON f.file_id = p._file_id
    ANTI JOIN quality.quarantined_rows q
        ON q._provider = p._provider AND q._feed = p._feed
       AND q._file_sha256 = p._file_sha256 AND q._row_number = p._row_number
    WHERE l.person_id IS NOT NULL
)
SELECT
    r.person_id,
    k.nhs_number,
    'valid'                                                                                    AS nhs_number_status,
    arg_min(family_name,   survivorship) FILTER (WHERE family_name IS NOT NULL)   AS family_name,
    arg_min(given_name,    survivorship) FILTER (WHERE given_name IS NOT NULL)    AS given_name,
    arg_min(birth_date,    survivorship) FILTER (WHERE birth_date IS NOT NULL)    AS birth_date,
    CAST(NULL AS DATE)                                                                         AS death_date,
    coalesce(arg_min(sex,  survivorship) FILTER (WHERE sex <> 'unknown'), 'unknown') AS sex,
    arg_min(postcode,      survivorship) FILTER (WHERE postcode IS NOT NULL)      AS postcode,
    arg_min(practice_code, survivorship) FILTER (WHERE practice_code IS NOT NULL) AS practice_code,
    count(DISTINCT _provider)                                                                  AS provider_count,
    min(received_at)                                                                           AS valid_from,
    CAST(NULL AS TIMESTAMPTZ)                                                                  AS valid_to,
    true                                                                                       AS is_current
FROM records r
JOIN core.person_key k USING (person_id)
GROUP BY r.person_id, k.nhs_number;
