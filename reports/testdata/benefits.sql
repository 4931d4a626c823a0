-- Test fixture for the benefit measures (load after warehouse.sql): five people whose
-- records make each measure's answer known by hand. The window ends 2026-10-20, the latest
-- encounter.
--   person 1: GP (gp-emis) and ED (uhbw-ed). The GP recorded a penicillin allergy in
--             January; ED saw them on 1 and 20 October without it: two information gaps,
--             and the second visit is a repeat within 30 days. An admission to nbt-pas
--             is not a social-care client's (person 1 is not known to a council).
--   person 2: GP and ED. The GP's allergy was recorded on 15 October, after the ED visit
--             of 1 October: no gap. An ED visit in October 2025 is outside the window.
--   person 3: GP and out-of-hours (ooh-adastra). Both hold the same active problem, and
--             the GP a resolved one: no gap.
--   person 4: council (bcc-social) and hospital (nbt-pas): admitted on 10 September, one
--             social-care client's admission.
--   person 5: GP only.
INSERT INTO ref.provider (provider, organisation, system, kind, trust_rank) VALUES
    ('uhbw-ed',     'Bristol & Weston acute trust', 'emergency department',   'acute',       2),
    ('ooh-adastra', '=Out-of-hours GP service',     'urgent care case system', 'urgent-care', 3);

INSERT INTO core.person BY NAME
SELECT i AS person_id, '99900000' || i AS nhs_number, 'valid' AS nhs_number_status, CASE WHEN i = 5 THEN 1 ELSE 2 END AS provider_count
FROM range(1, 6) t(i);

INSERT INTO core.person_link (provider, local_id, person_id, match_method) VALUES
    ('gp-emis', 'G1', 1, 'nhs-number'), ('uhbw-ed', 'E1', 1, 'nhs-number'), ('nbt-pas', 'P1', 1, 'nhs-number'),
    ('gp-emis', 'G2', 2, 'nhs-number'), ('uhbw-ed', 'E2', 2, 'nhs-number'),
    ('gp-emis', 'G3', 3, 'nhs-number'), ('ooh-adastra', 'O3', 3, 'nhs-number'),
    ('bcc-social', 'S4', 4, 'probabilistic'), ('nbt-pas', 'P4', 4, 'nhs-number'),
    ('gp-emis', 'G5', 5, 'nhs-number');

INSERT INTO core.allergy (allergy_id, person_id, provider, code, code_system, snomed_code, term, clinical_status, recorded_date) VALUES
    ('a1', 1, 'gp-emis', '91936005', 'snomed', '91936005', 'Penicillin allergy', 'active', DATE '2026-01-10'),
    ('a2', 2, 'gp-emis', '300916003', 'snomed', '300916003', 'Latex allergy', 'active', DATE '2026-10-15');

INSERT INTO core.condition (condition_id, person_id, provider, code, code_system, snomed_code, term, category, clinical_status, onset_date) VALUES
    ('c1', 3, 'gp-emis', '195967001', 'snomed', '195967001', 'Asthma', 'problem-list-item', 'active', DATE '2015-03-01'),
    ('c2', 3, 'ooh-adastra', '195967001', 'snomed', '195967001', 'Asthma', 'problem-list-item', 'active', DATE '2015-03-01'),
    ('c3', 3, 'gp-emis', '38341003', 'snomed', '38341003', 'Hypertension', 'problem-list-item', 'resolved', DATE '2016-01-01');

INSERT INTO core.encounter (encounter_id, person_id, provider, encounter_class, encounter_type, start_at) VALUES
    ('e1', 1, 'uhbw-ed', 'emergency', 'ED attendance', TIMESTAMPTZ '2026-10-01 10:00:00+01'),
    ('e2', 1, 'uhbw-ed', 'emergency', 'ED attendance', TIMESTAMPTZ '2026-10-20 09:00:00+01'),
    ('e3', 1, 'nbt-pas', 'inpatient', 'inpatient spell', TIMESTAMPTZ '2026-10-02 11:00:00+01'),
    ('e4', 2, 'uhbw-ed', 'emergency', 'ED attendance', TIMESTAMPTZ '2026-10-01 12:00:00+01'),
    ('e5', 2, 'uhbw-ed', 'emergency', 'ED attendance', TIMESTAMPTZ '2025-10-01 12:00:00+01'),
    ('e6', 3, 'ooh-adastra', 'out-of-hours', 'Home visit', TIMESTAMPTZ '2026-08-05 22:00:00+01'),
    ('e7', 4, 'nbt-pas', 'inpatient', 'inpatient spell', TIMESTAMPTZ '2026-09-10 15:00:00+01');

INSERT INTO ops.file_ledger BY NAME
SELECT id AS file_id, provider, 'feed' AS feed, 'person' AS entity, provider || '.csv' AS file_name, provider AS sha256,
       1 AS size_bytes, TIMESTAMPTZ '2026-10-20 23:00:00+00' AS received_at, 1 AS batch_id, 'loaded' AS status,
       rows_read, rows_quarantined, rows_read - rows_quarantined AS rows_loaded, 0 AS rows_superseded
FROM (VALUES (1, 'gp-emis', 120, 3), (2, 'uhbw-ed', 40, 0), (3, 'nbt-pas', 12, 12)) v(id, provider, rows_read, rows_quarantined);
