CREATE TABLE contacts (
    contact_id   INTEGER PRIMARY KEY,
    patient_ref  TEXT NOT NULL,
    nhs_number   TEXT,
    arrived      DATETIME,
    pain_score   INTEGER,
    charge       REAL,
    notes        TEXT,
    photo        BLOB
);
INSERT INTO contacts VALUES (1, 'DP000001', '9990000018', '2026-07-14 21:05:00', 7, 27.4, 'Abscess, lower left 6', NULL);
INSERT INTO contacts VALUES (2, 'DP000002', NULL, '2026-07-15T08:00:00+01:00', NULL, 0, 'Chipped tooth — Renée says £75 quote', NULL);
INSERT INTO contacts VALUES (3, 'DP000003', '', 'not a date', 'severe', 1e21, 'line one
line two', X'68656C6C6F');
INSERT INTO contacts VALUES (5, 'DP000005', '999 000 0018', 20260716, 3, 3.0, 'Invalid bytes in a blob', X'FF00FE');
INSERT INTO contacts VALUES (9, 'DP000009', '9990000018', '2026-07-17 09:30', 2, -0.5, '"quoted"; semicolon', NULL);
DELETE FROM contacts WHERE contact_id = 5;
INSERT INTO contacts VALUES (12, 'DP000012', '9990000018', '2026-07-18', 1, NULL, 'Invalid bytes in a blob', X'FF00FE');
