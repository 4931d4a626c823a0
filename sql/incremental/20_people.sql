-- core.person ← incremental_person (core/30_person.sql applied to the hourly batch): the
-- golden record of each person new to the warehouse. A known person's golden record keeps
-- its values until the nightly run, whose survivorship weighs every record of theirs.
-- The people this batch adds, for core's history (load/history.go).
CREATE OR REPLACE TEMP TABLE incremental_touched_person AS
SELECT person_id FROM incremental_person
ANTI JOIN core.person USING (person_id);

INSERT INTO core.person BY NAME
SELECT * FROM incremental_person
ANTI JOIN core.person USING (person_id);

DROP TABLE incremental_person;
