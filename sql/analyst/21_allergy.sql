-- analyst.allergy ← core.allergy, ref.concept: coded, with the reference term; no reaction text.
CREATE OR REPLACE TABLE analyst.allergy AS
SELECT k.pseudonym, a.provider, a.code, a.code_system, a.snomed_code, r.term, a.severity,
       a.clinical_status, a.verification_status, a.recorded_date
FROM core.allergy a
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = 'snomed-ct' AND r.code = a.snomed_code;
