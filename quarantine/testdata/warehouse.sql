-- A small warehouse for the quarantine package's tests: three providers, a file resent
-- under the same name, one workbook feeding two feeds, rows failing two rules, and records
-- with characters a reader would not see (tab, no-break and zero-width spaces, newline).
INSERT INTO ref.provider VALUES
    ('gp-emis',    'GP practices', 'EMIS Web',      'gp',          1),
    ('bcc-social', 'City council', 'Liquidlogic',   'social-care', 3),
    ('nbt-cdw',    'North Bristol','Clinical DW',   'acute',       2);

INSERT INTO ops.file_ledger (file_id, provider, feed, entity, file_name, sha256, size_bytes, received_at, batch_id, status) VALUES
    (1, 'gp-emis',    'patients', 'person',       'EMIS_Patients_20261101.csv',    'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 100, TIMESTAMPTZ '2026-11-01 23:59:59+00', 1, 'loaded'),
    (2, 'gp-emis',    'problems', 'condition',    'EMIS_Problems_20261101.csv',    'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 100, TIMESTAMPTZ '2026-11-01 23:59:59+00', 1, 'loaded'),
    (3, 'gp-emis',    'problems', 'condition',    'EMIS_Problems_20261101.csv',    'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3', 100, TIMESTAMPTZ '2026-11-02 08:30:00+00', 2, 'loaded'),
    (4, 'bcc-social', 'clients',  'person',       'BCC_ASC_Extract_20261101.xlsx', 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4', 100, TIMESTAMPTZ '2026-07-01 06:00:00+00', 1, 'loaded'),
    (5, 'bcc-social', 'packages', 'care_episode', 'BCC_ASC_Extract_20261101.xlsx', 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4', 100, TIMESTAMPTZ '2026-07-01 06:00:00+00', 1, 'loaded'),
    (6, 'nbt-cdw',    'allergies','allergy',      'CDW_nightly_20261101.sql',      'e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5', 100, TIMESTAMPTZ '2026-11-01 23:59:59+00', 1, 'loaded');

INSERT INTO quality.quarantine (stage, rule_id, reason, provider, feed, file_sha256, file_name, row_number, line, batch_id, record) VALUES
    ('extract', 'EXT-001', 'EMIS_Patients_20261101.csv line 5: record 4 has 3 fields where the header has 4',
     'gp-emis', 'patients', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 'EMIS_Patients_20261101.csv', 4, 5, 1,
     '{"PatientGuid":"G-4","Surname":"O''Brien","Forenames":"Zoë\tAnn"}'),
    ('staging', 'DAT-002', 'birth_date 2027-01-01 on line 9 is after the file was received (2026-11-01 23:59)',
     'gp-emis', 'patients', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 'EMIS_Patients_20261101.csv', 8, 9, 1,
     '{"patient_guid":"G-8","nhs_number":"999 000 0001\u00a0","birth_date":"2027-01-01","family_name":null,"given_name":" Ann","_extra":{"Notes":"first\nsecond","Ethnicity":"A"},"_provider":"gp-emis","_feed":"patients","_file_id":1,"_file_sha256":"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1","_row_number":8,"_line":9,"_batch_id":1}'),
    ('staging', 'REQ-001', 'person: line 9: no record identifier',
     'gp-emis', 'patients', 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', 'EMIS_Patients_20261101.csv', 8, 9, 1,
     '{"patient_guid":"G-8","nhs_number":"999 000 0001\u00a0","birth_date":"2027-01-01","family_name":null,"given_name":" Ann","_extra":{"Notes":"first\nsecond","Ethnicity":"A"},"_provider":"gp-emis","_feed":"patients","_file_id":1,"_file_sha256":"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1","_row_number":8,"_line":9,"_batch_id":1}'),
    ('extract', 'EXT-002', 'EMIS_Problems_20261101.csv line 12: record 11 could not be read: bare " in non-quoted field',
     'gp-emis', 'problems', 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2', 'EMIS_Problems_20261101.csv', 11, 12, 1, '{}'),
    ('extract', 'EXT-002', 'EMIS_Problems_20261101.csv line 12: record 11 could not be read: bare " in non-quoted field',
     'gp-emis', 'problems', 'c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3', 'EMIS_Problems_20261101.csv', 11, 12, 2,
     '{"ProblemGuid":"P-11","Code":"\u200bG20..","Term":"Essential \"hypertension\""}'),
    ('extract', 'EXT-001', 'BCC_ASC_Extract_20261101.xlsx sheet Clients row 4: record 3 has 2 fields where the header has 6',
     'bcc-social', 'clients', 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4', 'BCC_ASC_Extract_20261101.xlsx', 3, 4, 1, '{}'),
    ('staging', 'REQ-002', 'care-episode: line 4: no patient identifier',
     'bcc-social', 'packages', 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4', 'BCC_ASC_Extract_20261101.xlsx', 3, 4, 1, NULL),
    ('staging', 'DAT-001', 'start_date ''31/02/2026 (provisional, to be confirmed by the reviewing social worker at the next visit)'' on line 7 is not a valid date',
     'bcc-social', 'packages', 'd4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4', 'BCC_ASC_Extract_20261101.xlsx', 6, 7, 1,
     '{"package_id":"PK-6","client_id":"C-2","start_date":"31/02/2026 (provisional, to be confirmed by the reviewing social worker at the next visit)","_extra":null,"_provider":"bcc-social","_feed":"packages","_file_id":5,"_file_sha256":"d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4","_row_number":6,"_line":7,"_batch_id":1}');
