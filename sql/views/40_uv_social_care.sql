-- uv_social_care ← core.person, core.encounter, core.condition, core.care_episode: what a
-- council's adult social care team needs to arrange and review care: when the person went
-- into hospital and came out (and to where), and the care packages from both councils.
--
-- Includes: hospital admissions and ED attendances (dates, hospital, discharge destination),
-- the care packages of both councils (with weekly cost: the councils fund them), and only
-- those diagnoses that shape care needs (dementia, stroke, epilepsy), by reference term.
-- Leaves out, deliberately: every other diagnosis, medications, allergies, the reason for an
-- admission and any clinical free text; GP and out-of-hours contacts; local ids and lineage.
CREATE SCHEMA IF NOT EXISTS uv_social_care;

CREATE OR REPLACE VIEW uv_social_care.person AS
SELECT person_id, nhs_number, given_name, family_name, birth_date, death_date, sex, postcode, practice_code
FROM core.person;

CREATE OR REPLACE VIEW uv_social_care.admissions_discharges AS
SELECT person_id, provider, encounter_class, start_at AS admitted_at, end_at AS discharged_at,
       location_code, discharge_destination_code
FROM core.encounter
WHERE person_id IS NOT NULL AND encounter_class IN ('inpatient', 'emergency');

CREATE OR REPLACE VIEW uv_social_care.care_packages AS
SELECT person_id, provider, service_type, service_provider, team, status, start_date, end_date, weekly_cost
FROM core.care_episode
WHERE person_id IS NOT NULL;

-- Care-relevant conditions: a closed list of SNOMED CT concepts, named by ref.concept's term
-- (never the source's text): Alzheimer's disease, cerebrovascular accident, epilepsy.
CREATE OR REPLACE VIEW uv_social_care.care_relevant_conditions AS
SELECT DISTINCT c.person_id, r.term AS condition
FROM core.condition c
JOIN ref.concept r ON r.code_system = 'snomed-ct' AND r.code = c.snomed_code
WHERE c.person_id IS NOT NULL AND c.clinical_status = 'active'
  AND c.snomed_code IN ('26929004', '230690007', '84757009');
