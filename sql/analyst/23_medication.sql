-- analyst.medication ← core.medication, ref.concept: dm+d, with the reference term; no dose text.
CREATE OR REPLACE TABLE analyst.medication AS
SELECT k.pseudonym, m.provider, m.code, m.code_system, r.term, m.status, m.start_date, m.end_date
FROM core.medication m
LEFT JOIN analyst_person_key k USING (person_id)
LEFT JOIN ref.concept r ON r.code_system = m.code_system AND r.code = m.code;
