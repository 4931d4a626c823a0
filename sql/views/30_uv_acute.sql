-- uv_acute ← core.person, core.condition, core.medication, core.allergy, core.care_episode,
-- ref.provider: what hospital teams need from outside the hospital, on admission (medicines
-- reconciliation, allergies, long-term conditions) and for discharge planning (the care
-- package the person goes home to).
--
-- Includes: GP problem lists (active and resolved, for the history), GP medications that are
-- current, allergies from every source, and social-care packages with their team and status.
-- Leaves out: the hospitals' own records (their EPR has them), out-of-hours free text,
-- social-care assessments and costs, local ids and lineage columns.
CREATE SCHEMA IF NOT EXISTS uv_acute;

CREATE OR REPLACE VIEW uv_acute.patient AS
SELECT person_id, nhs_number, given_name, family_name, birth_date, death_date, sex, postcode, practice_code
FROM core.person;

CREATE OR REPLACE VIEW uv_acute.gp_problems AS
SELECT c.person_id, c.provider, c.code, c.code_system, c.snomed_code, c.term, c.clinical_status,
       c.onset_date, c.abatement_date
FROM core.condition c
JOIN ref.provider p ON p.provider = c.provider
WHERE c.person_id IS NOT NULL AND p.kind = 'gp';

CREATE OR REPLACE VIEW uv_acute.gp_medications AS
SELECT m.person_id, m.provider, m.code, m.code_system, m.term, m.dose_text, m.start_date
FROM core.medication m
JOIN ref.provider p ON p.provider = m.provider
WHERE m.person_id IS NOT NULL AND p.kind = 'gp' AND m.status = 'active';

CREATE OR REPLACE VIEW uv_acute.allergies AS
SELECT person_id, provider, code, code_system, snomed_code, term, reaction, severity, recorded_date
FROM core.allergy
WHERE person_id IS NOT NULL AND coalesce(clinical_status, 'active') = 'active';

CREATE OR REPLACE VIEW uv_acute.social_care_packages AS
SELECT person_id, provider, service_type, service_provider, team, status, start_date, end_date
FROM core.care_episode
WHERE person_id IS NOT NULL AND status IN ('active', 'suspended');
