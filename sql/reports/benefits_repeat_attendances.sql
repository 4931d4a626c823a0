-- Benefit measure: repeat urgent-care attendances — an urgent-care encounter (emergency,
-- out-of-hours, urgent-care) of a person who had another one, at any provider, in the 30
-- days before it. The earlier one may be outside the window; only the repeat must be in
-- it. Seen across providers, these are the people a shared care plan is for.
--
-- Window: the 12 months ending on the latest encounter date in the warehouse (UK dates).
-- One row per month and provider of the repeat, then a total row (month and provider
-- NULL): events = repeat attendances, people = distinct people.
WITH window_end AS (
    SELECT max(timezone('Europe/London', start_at))::DATE AS as_of FROM core.encounter
),
urgent AS (
    SELECT e.person_id, e.provider, e.start_at,
           lag(e.start_at) OVER (PARTITION BY e.person_id ORDER BY e.start_at, e.encounter_id) AS previous_at
    FROM core.encounter e
    WHERE e.encounter_class IN ('emergency', 'out-of-hours', 'urgent-care') AND e.person_id IS NOT NULL
),
repeats AS (
    SELECT u.person_id, u.provider, timezone('Europe/London', u.start_at)::DATE AS day
    FROM urgent u, window_end w
    WHERE u.previous_at IS NOT NULL
      AND u.start_at - u.previous_at <= INTERVAL 30 DAY
      AND timezone('Europe/London', u.start_at)::DATE > w.as_of - INTERVAL 12 MONTH
      AND timezone('Europe/London', u.start_at)::DATE <= w.as_of
)
SELECT
    date_trunc('month', day)::DATE AS month,
    provider,
    count(*)                       AS events,
    count(DISTINCT person_id)      AS people
FROM repeats
GROUP BY GROUPING SETS ((date_trunc('month', day)::DATE, provider), ())
ORDER BY month NULLS FIRST, provider;
