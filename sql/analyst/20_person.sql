-- analyst.person ← core.person, analyst_person_key: one row per person (see 10_person_key.sql for
-- the age bands and their reference date, the postcode district and what is left out).
CREATE OR REPLACE TABLE analyst.person AS
WITH p AS (
    SELECT k.pseudonym, p.*,
           CAST(timezone('Europe/London', now()) AS DATE) AS reference_date,
           upper(replace(p.postcode, ' ', '')) AS postcode_compact
    FROM core.person p
    JOIN analyst_person_key k USING (person_id)
), aged AS (
    SELECT *, date_sub('year', birth_date, least(reference_date, coalesce(death_date, reference_date))) AS age
    FROM p
)
SELECT
    pseudonym,
    CASE
        WHEN age IS NULL THEN NULL
        WHEN age < 5 THEN '0-4'
        WHEN age < 18 THEN '5-17'
        WHEN age < 25 THEN '18-24'
        WHEN age < 35 THEN '25-34'
        WHEN age < 45 THEN '35-44'
        WHEN age < 55 THEN '45-54'
        WHEN age < 65 THEN '55-64'
        WHEN age < 75 THEN '65-74'
        WHEN age < 85 THEN '75-84'
        ELSE '85+'
    END                                                   AS age_band,
    reference_date                                        AS age_reference_date,
    sex,
    CASE WHEN length(postcode_compact) BETWEEN 5 AND 7
         THEN left(postcode_compact, length(postcode_compact) - 3) END AS postcode_district,
    practice_code,
    death_date IS NOT NULL                                AS deceased,
    strftime(death_date, '%Y-%m')                         AS death_month,
    nhs_number_status,
    provider_count
FROM aged;
