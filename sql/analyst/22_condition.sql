-- analyst.condition ← core.condition, ref.concept: coded, with the reference term and the
-- pseudonymised encounter it was recorded at.
CREATE OR REPLACE TABLE analyst.condition AS
SELECT k.pseudonym, c.provider, c.code, c.code_system, c.snomed_code, r.term, c.category,
       c.clinical_status, c.onset_date, c.abatement_date,
       ccare_pseudonym('encounter', c.encounter_id) AS encounter_key
FROM core.condition c
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = 'snomed-ct' AND r.code = c.snomed_code;
