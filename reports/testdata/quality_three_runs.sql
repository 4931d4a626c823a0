-- Test fixture: quality.results for runs 1, 2 and 4 (run 3 failed, run 5 had nothing new).
-- Run 4, the scorecard's, has one case of each kind:
--   gp-emis    all green; uniqueness and relationship not checked (–); 99.95% shows 99.9%
--   nbt-pas    conformance 99.96% → 99.9% Green; completeness 99.8% but an error rule failed
--              → Amber*; plausibility 93.3% with a failed error rule → Red*; uniqueness 99.5%
--              with a failed warning rule → Green (warnings do not cap); relationship 97.0%
--              Amber; overall 98.9% Amber*
--   bcc-social no results in run 4 (all –), but in runs 1 and 2: 99.0% and 95.0%, the bands'
--              edges, and 85.0%, which takes the trend's scale down to 80%
--   retired    not in ref.provider: not reported
INSERT INTO quality.results
SELECT run_id, provider, rule_id, category, severity, rows_checked, rows_failed,
       rows_failed / rows_checked AS failure_rate, threshold,
       rows_failed / rows_checked <= threshold AS passed
FROM (VALUES
    (1, 'gp-emis',    'EXT-001', 'conformance',  'error',   10000, 300, 0.01),
    (1, 'gp-emis',    'REQ-001', 'completeness', 'error',    1000,   0, 0.01),
    (1, 'gp-emis',    'DAT-002', 'plausibility', 'error',    2000,  10, 0.01),
    (1, 'nbt-pas',    'EXT-001', 'conformance',  'error',    8000,   8, 0.01),
    (1, 'nbt-pas',    'REQ-001', 'completeness', 'error',    4000,   0, 0.0005),
    (1, 'nbt-pas',    'DAT-002', 'plausibility', 'error',    2500,  50, 0.01),
    (1, 'nbt-pas',    'UNQ-001', 'uniqueness',   'warning',  8000,   8, 0.001),
    (1, 'bcc-social', 'EXT-001', 'conformance',  'error',     500,   0, 0.01),
    (1, 'bcc-social', 'REQ-001', 'completeness', 'error',     500,   5, 0.01),
    (1, 'bcc-social', 'REL-001', 'relationship', 'warning',  1000, 150, 0.2),
    (2, 'gp-emis',    'EXT-001', 'conformance',  'error',   15000,  15, 0.01),
    (2, 'gp-emis',    'DAT-001', 'conformance',  'error',   15000,  30, 0.01),
    (2, 'gp-emis',    'REQ-001', 'completeness', 'error',    1500,   0, 0.01),
    (2, 'gp-emis',    'DAT-002', 'plausibility', 'error',    3000,   3, 0.01),
    (2, 'nbt-pas',    'EXT-001', 'conformance',  'error',    9000,   9, 0.01),
    (2, 'nbt-pas',    'REQ-001', 'completeness', 'error',    4500,   9, 0.0005),
    (2, 'nbt-pas',    'DAT-002', 'plausibility', 'error',    2800, 100, 0.01),
    (2, 'nbt-pas',    'UNQ-001', 'uniqueness',   'warning',  9000,  20, 0.001),
    (2, 'bcc-social', 'EXT-001', 'conformance',  'error',     600,  30, 0.01),
    (4, 'gp-emis',    'EXT-001', 'conformance',  'error',   20000,   0, 0.01),
    (4, 'gp-emis',    'DAT-001', 'conformance',  'error',   20000,  20, 0.01),
    (4, 'gp-emis',    'REQ-001', 'completeness', 'error',    2000,   0, 0.01),
    (4, 'gp-emis',    'DAT-002', 'plausibility', 'error',    4000,   0, 0.01),
    (4, 'nbt-pas',    'EXT-001', 'conformance',  'error',   10000,   4, 0.01),
    (4, 'nbt-pas',    'REQ-001', 'completeness', 'error',    5000,  10, 0.0005),
    (4, 'nbt-pas',    'DAT-002', 'plausibility', 'error',    3000, 200, 0.01),
    (4, 'nbt-pas',    'UNQ-001', 'uniqueness',   'warning', 10000,  50, 0.001),
    (4, 'nbt-pas',    'REL-001', 'relationship', 'warning',  2000,  60, 0.05),
    (4, 'retired',    'EXT-001', 'conformance',  'error',     100,  50, 0.01)
) v(run_id, provider, rule_id, category, severity, rows_checked, rows_failed, threshold);
