-- Run after the quality step (ops/quality_results.sql and the quarantined rows' records): its
-- scratch tables are dropped, so that the memory they hold is given back when the verdicts
-- commit. Temporary tables live as long as the connection; identity resolution, next, needs
-- that memory under a small memory limit. A rule file that makes a scratch table of its own
-- drops it here: the check below fails every run (and so every test of the nightly job)
-- until it does.
DROP TABLE IF EXISTS quality_checked;
DROP TABLE IF EXISTS quality_born;
DROP TABLE IF EXISTS quality_code_verdict;
DROP VIEW IF EXISTS quality_check;

SELECT error('the quality step left scratch tables: ' || string_agg(table_name, ', ' ORDER BY table_name)
             || ' (drop them in sql/ops/quality_end.sql)')
FROM duckdb_tables()
WHERE temporary AND starts_with(table_name, 'quality_')
HAVING count(*) > 0;
