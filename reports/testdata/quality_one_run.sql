-- Test fixture: quality.results for one run only (run 4).
INSERT INTO quality.results
SELECT run_id, provider, rule_id, category, severity, rows_checked, rows_failed,
       rows_failed / rows_checked AS failure_rate, threshold,
       rows_failed / rows_checked <= threshold AS passed
FROM (VALUES
    (4, 'gp-emis', 'EXT-001', 'conformance',  'error', 20000, 0, 0.01),
    (4, 'nbt-pas', 'EXT-001', 'conformance',  'error', 10000, 4, 0.01)
) v(run_id, provider, rule_id, category, severity, rows_checked, rows_failed, threshold);
