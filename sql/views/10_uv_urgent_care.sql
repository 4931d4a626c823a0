-- uv_urgent_care ← core.person, core.allergy, core.condition, core.medication, core.encounter,
-- core.care_episode: what ED, out-of-hours and 111 clinicians need about a person they have
-- never met, at three in the morning, to treat them safely.
--
-- Includes: who the person is (to be sure it is them), every active allergy, active problems
-- from any source, current medications, the last 12 months of contacts with any health
-- service, and the social-care team to call (the key contact of each active package).
-- Leaves out: resolved problems, stopped medications, older contacts, social-care costs,
-- assessments and their outcomes (the team holds those), and every local id and lineage column.
-- "Recent" is relative to the day the view is queried (current_date, Europe/London).
CREATE SCHEMA IF NOT EXISTS uv_urgent_care;

CREATE OR REPLACE VIEW uv_urgent_care.patient AS
SELECT person_id, nhs_number, given_name, family_name, birth_date, death_date, sex, postcode, practice_code
FROM core.person;

CREATE OR REPLACE VIEW uv_urgent_care.allergies AS
SELECT person_id, provider, code, code_system, snomed_code, term, reaction, severity, recorded_date
FROM core.allergy
WHERE person_id IS NOT NULL AND coalesce(clinical_status, 'active') = 'active';

CREATE OR REPLACE VIEW uv_urgent_care.active_problems AS
SELECT person_id, provider, code, code_system, snomed_code, term, category, onset_date
FROM core.condition
WHERE person_id IS NOT NULL AND clinical_status = 'active';

CREATE OR REPLACE VIEW uv_urgent_care.current_medications AS
SELECT person_id, provider, code, code_system, term, dose_text, start_date
FROM core.medication
WHERE person_id IS NOT NULL AND status = 'active';

CREATE OR REPLACE VIEW uv_urgent_care.recent_encounters AS
SELECT person_id, provider, encounter_class, encounter_type, start_at, end_at, location_code,
       reason_code, reason_system, reason_text, discharge_destination_code, outcome_text
FROM core.encounter
WHERE person_id IS NOT NULL AND encounter_class <> 'social-care'
  AND start_at >= current_date - INTERVAL 12 MONTH;

CREATE OR REPLACE VIEW uv_urgent_care.social_care_contact AS
SELECT person_id, provider, team, service_type, service_provider, start_date
FROM core.care_episode
WHERE person_id IS NOT NULL AND status = 'active';
