-- uv_gp ← core.person, core.encounter, core.condition, core.care_episode, ref.provider: what
-- a GP practice does not already hold in its own system: what happened to its patient in
-- hospital and out of hours, what the hospital diagnosed, and whether social care is involved.
--
-- Includes: hospital encounters (acute trusts) with reason and discharge destination,
-- out-of-hours and urgent-care contacts with their outcome, diagnoses recorded by hospitals
-- (encounter diagnoses and hospital problem lists), and social-care packages (service, team,
-- status, dates).
-- Leaves out: the GP systems' own records (the practice has them), social-care costs and
-- assessment outcomes (the council's business), local ids and lineage columns.
CREATE SCHEMA IF NOT EXISTS uv_gp;

CREATE OR REPLACE VIEW uv_gp.patient AS
SELECT person_id, nhs_number, given_name, family_name, birth_date, death_date, sex, postcode, practice_code
FROM core.person;

CREATE OR REPLACE VIEW uv_gp.hospital_encounters AS
SELECT e.person_id, e.provider, e.encounter_class, e.encounter_type, e.start_at, e.end_at, e.location_code,
       e.reason_code, e.reason_system, e.reason_text, e.discharge_destination_code
FROM core.encounter e
JOIN ref.provider p ON p.provider = e.provider
WHERE e.person_id IS NOT NULL AND p.kind = 'acute';

CREATE OR REPLACE VIEW uv_gp.out_of_hours_contacts AS
SELECT e.person_id, e.provider, e.encounter_class, e.encounter_type, e.start_at, e.end_at,
       e.reason_code, e.reason_system, e.reason_text, e.outcome_text
FROM core.encounter e
JOIN ref.provider p ON p.provider = e.provider
WHERE e.person_id IS NOT NULL AND p.kind = 'urgent-care';

CREATE OR REPLACE VIEW uv_gp.discharge_diagnoses AS
SELECT c.person_id, c.provider, c.code, c.code_system, c.snomed_code, c.term, c.category,
       c.clinical_status, c.onset_date
FROM core.condition c
JOIN ref.provider p ON p.provider = c.provider
WHERE c.person_id IS NOT NULL AND p.kind = 'acute';

CREATE OR REPLACE VIEW uv_gp.social_care_involvement AS
SELECT person_id, provider, service_type, service_provider, team, status, start_date, end_date
FROM core.care_episode
WHERE person_id IS NOT NULL;
