-- The hourly batch being merged ($1), for rules that must also see what core already knows
-- (quality/80_relationships.sql); incremental/99_reset.sql forgets it.
SET VARIABLE ccare_batch = $1;
