-- analyst_person_key (temporary) ← core.person: each person_id with its pseudonym, computed
-- once per person by ccare_pseudonym (HMAC-SHA256 with the secret held by the pipeline's
-- process: pseudonym/pseudonym.go). A temporary table: it lives in this connection's memory
-- only, never in the warehouse file, so the published copy holds no way back to person_id.
CREATE OR REPLACE TEMP TABLE analyst_person_key AS
SELECT person_id, ccare_pseudonym('person', CAST(person_id AS VARCHAR)) AS pseudonym
FROM (SELECT DISTINCT person_id FROM core.person WHERE person_id IS NOT NULL);
