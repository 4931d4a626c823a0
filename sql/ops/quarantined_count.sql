-- How many source rows are held in quarantine, for the providers given ($1; empty: all):
-- what a replay reports before and after.
SELECT count(*) FROM quality.quarantined_rows WHERE len($1) = 0 OR list_contains($1, _provider);
