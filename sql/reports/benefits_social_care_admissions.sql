-- Benefit measure: hospital admissions of social-care clients, where discharge planning
-- needs both the hospital's and the council's side of the record. An admission is an
-- encounter of class inpatient (spells and day cases, from any acute system); a client is
-- a person linked to a local identity at a provider of kind social-care (ref.provider).
--
-- Window: the 12 months ending on the latest encounter date in the warehouse (UK dates).
-- One row per month and admitting provider, then a total row (month and provider NULL):
-- events = admissions, people = distinct people.
WITH window_end AS (
    SELECT max(timezone('Europe/London', start_at))::DATE AS as_of FROM core.encounter
),
clients AS (
    SELECT DISTINCT l.person_id
    FROM core.person_link l
    JOIN ref.provider p ON p.provider = l.provider
    WHERE p.kind = 'social-care' AND l.person_id IS NOT NULL
),
admissions AS (
    SELECT e.encounter_id, e.person_id, e.provider, timezone('Europe/London', e.start_at)::DATE AS day
    FROM core.encounter e
    JOIN clients c USING (person_id), window_end w
    WHERE e.encounter_class = 'inpatient'
      AND timezone('Europe/London', e.start_at)::DATE > w.as_of - INTERVAL 12 MONTH
      AND timezone('Europe/London', e.start_at)::DATE <= w.as_of
)
SELECT
    date_trunc('month', day)::DATE AS month,
    provider,
    count(*)                       AS events,
    count(DISTINCT person_id)      AS people
FROM admissions
GROUP BY GROUPING SETS ((date_trunc('month', day)::DATE, provider), ())
ORDER BY month NULLS FIRST, provider;
