-- analyst.encounter ← core.encounter, ref.concept: coded reason with its reference term; no
-- reason or outcome text.
CREATE OR REPLACE TABLE analyst.encounter AS
SELECT ccare_pseudonym('encounter', e.encounter_id) AS encounter_key, k.pseudonym, e.provider,
       e.encounter_class, e.encounter_type, e.start_at, e.end_at, e.location_code,
       e.reason_code, e.reason_system, r.term AS reason_term, e.discharge_destination_code
FROM core.encounter e
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = 'snomed-ct' AND e.reason_system = 'snomed-ct' AND r.code = e.reason_code;
