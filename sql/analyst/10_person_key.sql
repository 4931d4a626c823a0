-- analyst.* ← core.*, ref.concept (sql/analyst/2*.sql, one file a table): the same facts as core, for BI
-- analysts, who need the whole picture but not who anyone is (Caldicott: the minimum
-- necessary). Rebuilt by every run that changes core, in one transaction: a nightly run
-- rebuilds every table; an hourly run analyst.person and the tables its batch changed.
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

-- analyst_person_key (temporary) ← core.person: each person_id with its pseudonym, computed
-- once per person by ccare_pseudonym (HMAC-SHA256 with the secret held by the pipeline's
-- process: pseudonym/pseudonym.go). A temporary table: it lives in this connection's memory
-- only, never in the warehouse file, so the published copy holds no way back to person_id.
CREATE OR REPLACE TEMP TABLE analyst_person_key AS
SELECT person_id, ccare_pseudonym('person', CAST(person_id AS VARCHAR)) AS pseudonym
FROM (SELECT DISTINCT person_id FROM core.person WHERE person_id IS NOT NULL);
