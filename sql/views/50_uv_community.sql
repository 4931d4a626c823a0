-- uv_community ← core.person, core.encounter, core.allergy, core.condition, core.medication,
-- core.care_episode: what district and community nurses need before a home visit: who has
-- just come home from hospital, what they take, what they must not be given, their
-- long-term conditions, and who else visits the home.
--
-- Includes: hospital discharges of the last 90 days (to plan follow-up visits), current
-- medications, active allergies, active problems, and active or suspended care packages.
-- Leaves out: ED and outpatient detail, out-of-hours free text, resolved problems, stopped
-- medications, social-care costs and assessments, local ids and lineage columns.
CREATE SCHEMA IF NOT EXISTS uv_community;

CREATE OR REPLACE VIEW uv_community.patient AS
SELECT person_id, nhs_number, given_name, family_name, birth_date, death_date, sex, postcode, practice_code
FROM core.person;

CREATE OR REPLACE VIEW uv_community.recent_discharges AS
SELECT person_id, provider, encounter_type, start_at AS admitted_at, end_at AS discharged_at,
       location_code, discharge_destination_code
FROM core.encounter
WHERE person_id IS NOT NULL AND encounter_class = 'inpatient'
  AND end_at >= current_date - INTERVAL 90 DAY;

CREATE OR REPLACE VIEW uv_community.current_medications AS
SELECT person_id, provider, code, code_system, term, dose_text, start_date
FROM core.medication
WHERE person_id IS NOT NULL AND status = 'active';

CREATE OR REPLACE VIEW uv_community.allergies AS
SELECT person_id, provider, code, code_system, snomed_code, term, reaction, severity
FROM core.allergy
WHERE person_id IS NOT NULL AND coalesce(clinical_status, 'active') = 'active';

CREATE OR REPLACE VIEW uv_community.active_problems AS
SELECT person_id, provider, code, code_system, snomed_code, term, onset_date
FROM core.condition
WHERE person_id IS NOT NULL AND clinical_status = 'active' AND category = 'problem-list-item';

CREATE OR REPLACE VIEW uv_community.care_packages AS
SELECT person_id, provider, service_type, service_provider, team, status, start_date
FROM core.care_episode
WHERE person_id IS NOT NULL AND status IN ('active', 'suspended');
