-- analyst.* ← core.*, ref.concept, analyst_person_key: the same facts as core, for BI
-- analysts, who need the whole picture but not who anyone is (Caldicott: the minimum
-- necessary). Rebuilt whole by every run that changes core, in one transaction.
--
-- Keyed by pseudonym (a person) and encounter_key (an encounter): truncated HMAC-SHA256 of
-- the core id with a secret the analysts do not hold. Stable from run to run while the
-- secret is unchanged.
-- Replaced: birth date by a five- to ten-year age band at the reference date (the day the
-- tables were built, Europe/London; at death for those who died): 0-4, 5-17, 18-24, 25-34,
-- 35-44, 45-54, 55-64, 65-74, 75-84, 85+. Death date by its month. Postcode by its district
-- (the outward code: BS16 1QY → BS16). Source texts by the reference term of the code.
-- Left out: names, NHS numbers, local ids and MRNs, source record ids, lineage columns (the
-- file a row came from), and free text that could carry a name (reaction, dose, reason and
-- outcome text, the care provider's name).
CREATE SCHEMA IF NOT EXISTS analyst;

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

CREATE OR REPLACE TABLE analyst.allergy AS
SELECT k.pseudonym, a.provider, a.code, a.code_system, a.snomed_code, r.term, a.severity,
       a.clinical_status, a.verification_status, a.recorded_date
FROM core.allergy a
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = 'snomed-ct' AND r.code = a.snomed_code;

CREATE OR REPLACE TABLE analyst.condition AS
SELECT k.pseudonym, c.provider, c.code, c.code_system, c.snomed_code, r.term, c.category,
       c.clinical_status, c.onset_date, c.abatement_date,
       ccare_pseudonym('encounter', c.encounter_id) AS encounter_key
FROM core.condition c
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = 'snomed-ct' AND r.code = c.snomed_code;

CREATE OR REPLACE TABLE analyst.medication AS
SELECT k.pseudonym, m.provider, m.code, m.code_system, r.term, m.status, m.start_date, m.end_date
FROM core.medication m
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = m.code_system AND r.code = m.code;

CREATE OR REPLACE TABLE analyst.encounter AS
SELECT ccare_pseudonym('encounter', e.encounter_id) AS encounter_key, k.pseudonym, e.provider,
       e.encounter_class, e.encounter_type, e.start_at, e.end_at, e.location_code,
       e.reason_code, e.reason_system, r.term AS reason_term, e.discharge_destination_code
FROM core.encounter e
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = 'snomed-ct' AND e.reason_system = 'snomed-ct' AND r.code = e.reason_code;

CREATE OR REPLACE TABLE analyst.care_episode AS
SELECT k.pseudonym, s.provider, s.service_type, s.team, s.status, s.start_date, s.end_date, s.weekly_cost
FROM core.care_episode s
LEFT JOIN analyst_person_key k USING (person_id);

DROP TABLE analyst_person_key;
