SET standard_conforming_strings = on;

CREATE TABLE legacy.allergy_register (
    allergy_id integer NOT NULL,
    mrn character varying(10),
    allergen text,
    noted_by text,
    recorded_on date
);

CREATE TABLE legacy.empty_table (
    a integer,
    b text
);

INSERT INTO legacy.other (a) VALUES ('INSERT INTO legacy.allergy_register VALUES (1);');
INSERT INTO legacy.allergy_register (allergy_id, mrn, allergen, noted_by, recorded_on) VALUES (1, 'RVJ0000001', 'Penicillin', 'Dr O''Neill', '2019-05-04');
INSERT INTO legacy.allergy_register (allergy_id, mrn, allergen, noted_by, recorded_on) VALUES (2, 'RVJ0000002', 'Latex', NULL, NULL);
INSERT INTO legacy.allergy_register (allergy_id, mrn, allergen, noted_by, recorded_on) VALUES (3, 'RVJ0000003', 'Peanuts', 'multi
line; note', '2020-01-01'::date);
INSERT INTO legacy.allergy_register (allergy_id, mrn, allergen, noted_by, recorded_on) VALUES (4, 'RVJ0000004', E'Nut\\s and \'seeds\'\n', 'x', '2021-02-03');
INSERT INTO legacy.allergy_register (allergy_id, mrn, allergen, noted_by, recorded_on) VALUES (5, 'RVJ0000005', 'Codeine');
INSERT INTO legacy.allergy_register (allergy_id, mrn, allergen, noted_by, recorded_on) VALUES (6, 'RVJ0000006', 'Aspirin', 'x' '2021-02-03');
INSERT INTO legacy.allergy_register VALUES (7, 'RVJ0000007', 'Shellfish', 'y', '2022-02-03'), (8, 'RVJ0000008', 'Grass pollen', 'z', '2022-03-04');
INSERT INTO legacy.allergy_register (allergy_id, mrn, allergen, noted_by, recorded_on) VALUES (9, 'RVJ0000009', 'cut short
