CREATE TABLE allergies (allergy_id INTEGER PRIMARY KEY, substance TEXT);
