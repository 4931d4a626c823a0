-- Records the sha256 of the schema files just applied.
DELETE FROM ops.schema_applied;
INSERT INTO ops.schema_applied VALUES ($1, now());
