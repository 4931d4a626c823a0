-- The person → pseudonym table is dropped as soon as the analyst tables are built: it is the
-- one way back from a pseudonym, and lives in this connection's memory only until then.
DROP TABLE IF EXISTS analyst_person_key;
