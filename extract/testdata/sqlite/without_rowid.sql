CREATE TABLE allergies (allergy_id TEXT PRIMARY KEY, substance TEXT) WITHOUT ROWID;
INSERT INTO allergies VALUES ('A1', 'Penicillin');
