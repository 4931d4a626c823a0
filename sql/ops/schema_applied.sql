-- The sha256 of the schema files last applied to this warehouse.
SELECT sha256 FROM ops.schema_applied;
