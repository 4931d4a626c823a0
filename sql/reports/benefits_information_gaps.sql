-- Benefit measure: information gaps the shared record closes. An urgent-care encounter
-- (encounter_class emergency — ED —, out-of-hours, or urgent-care — dental and minor
-- injuries) of a person who, on that day, had an active allergy or an active problem-list
-- entry recorded only by another provider: the attending system did not hold that fact
-- (the same SNOMED CT concept, or the same source code where none is mapped), so without
-- the shared record the clinician would not have seen it. Facts recorded after the
-- encounter do not count; undated facts do.
--
-- Window: the 12 months ending on the latest encounter date in the warehouse (UK dates),
-- so the total is an annual volume. One row per month and provider of the encounter, then
-- a total row (month and provider NULL): events = encounters, people = distinct people.
WITH window_end AS (
    SELECT max(timezone('Europe/London', start_at))::DATE AS as_of FROM core.encounter
),
urgent AS (
    SELECT e.encounter_id, e.person_id, e.provider, timezone('Europe/London', e.start_at)::DATE AS day
    FROM core.encounter e, window_end w
    WHERE e.encounter_class IN ('emergency', 'out-of-hours', 'urgent-care')
      AND e.person_id IS NOT NULL
      AND timezone('Europe/London', e.start_at)::DATE > w.as_of - INTERVAL 12 MONTH
      AND timezone('Europe/London', e.start_at)::DATE <= w.as_of
),
facts AS (
    SELECT person_id, provider, coalesce(snomed_code, code_system || ':' || code) AS concept, recorded_date AS since
    FROM core.allergy
    WHERE clinical_status = 'active' AND person_id IS NOT NULL
    UNION ALL
    SELECT person_id, provider, coalesce(snomed_code, code_system || ':' || code), onset_date
    FROM core.condition
    WHERE clinical_status = 'active' AND category = 'problem-list-item' AND person_id IS NOT NULL
),
gaps AS (
    SELECT DISTINCT u.encounter_id, u.person_id, u.provider, u.day
    FROM urgent u
    JOIN facts f ON f.person_id = u.person_id AND f.provider <> u.provider
                AND (f.since IS NULL OR f.since <= u.day)
    WHERE NOT EXISTS (
        SELECT 1 FROM facts own
        WHERE own.person_id = u.person_id AND own.provider = u.provider AND own.concept = f.concept
    )
)
SELECT
    date_trunc('month', day)::DATE AS month,
    provider,
    count(*)                       AS events,
    count(DISTINCT person_id)      AS people
FROM gaps
GROUP BY GROUPING SETS ((date_trunc('month', day)::DATE, provider), ())
ORDER BY month NULLS FIRST, provider;
