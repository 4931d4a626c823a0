-- uv_mental_health ← core.person, core.condition, core.medication, core.allergy,
-- core.encounter, core.care_episode, ref.concept: what mental health teams need: the
-- person's mental health diagnoses from any source, what they take (interactions with
-- psychotropic medicines; overdose risk), crisis contacts, and social-care support.
--
-- Includes: conditions in a closed list of mental health and cognitive SNOMED CT concepts
-- (depressive disorder, anxiety disorder, Alzheimer's disease, drug overdose), current
-- medications, active allergies, ED and out-of-hours contacts of the last 12 months, and
-- active care packages.
-- Leaves out: physical-health diagnoses beyond that list, outpatient and inpatient detail,
-- social-care costs and assessments, local ids and lineage columns.
CREATE SCHEMA IF NOT EXISTS uv_mental_health;

CREATE OR REPLACE VIEW uv_mental_health.patient AS
SELECT person_id, nhs_number, given_name, family_name, birth_date, death_date, sex, postcode, practice_code
FROM core.person;

CREATE OR REPLACE VIEW uv_mental_health.mental_health_conditions AS
SELECT person_id, provider, code, code_system, snomed_code, term, category, clinical_status, onset_date
FROM core.condition
WHERE person_id IS NOT NULL AND snomed_code IN ('35489007', '197480006', '26929004', '55680006');

CREATE OR REPLACE VIEW uv_mental_health.current_medications AS
SELECT person_id, provider, code, code_system, term, dose_text, start_date
FROM core.medication
WHERE person_id IS NOT NULL AND status = 'active';

CREATE OR REPLACE VIEW uv_mental_health.allergies AS
SELECT person_id, provider, code, code_system, snomed_code, term, reaction, severity
FROM core.allergy
WHERE person_id IS NOT NULL AND coalesce(clinical_status, 'active') = 'active';

CREATE OR REPLACE VIEW uv_mental_health.crisis_contacts AS
SELECT person_id, provider, encounter_class, encounter_type, start_at, end_at, reason_code,
       reason_system, reason_text, outcome_text
FROM core.encounter
WHERE person_id IS NOT NULL AND encounter_class IN ('emergency', 'out-of-hours', 'urgent-care')
  AND start_at >= current_date - INTERVAL 12 MONTH;

CREATE OR REPLACE VIEW uv_mental_health.care_packages AS
SELECT person_id, provider, service_type, service_provider, team, status, start_date
FROM core.care_episode
WHERE person_id IS NOT NULL AND status IN ('active', 'suspended');
