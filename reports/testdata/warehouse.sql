-- Test fixture: three configured providers, five runs, and the rules the quality fixtures
-- use beyond the rules sql/quality/ declares. Loaded after an empty transform has built core.
INSERT INTO ref.provider (provider, organisation, system, kind, trust_rank) VALUES
    ('gp-emis',    'GP practices (EMIS-style)',       'GP clinical system',  'gp',          1),
    ('nbt-pas',    'North Bristol NHS Trust',         'Patient admin system', 'acute',      2),
    ('bcc-social', 'Bristol City Council',            'Adult social care',    'social-care', 3);

INSERT INTO ops.runs (run_id, job, started_at, finished_at, status, message) VALUES
    (1, 'nightly', TIMESTAMPTZ '2026-10-29 02:00:00+00', TIMESTAMPTZ '2026-10-29 02:05:00+00', 'succeeded', NULL),
    (2, 'nightly', TIMESTAMPTZ '2026-10-30 02:00:00+00', TIMESTAMPTZ '2026-10-30 02:05:00+00', 'succeeded', NULL),
    (3, 'nightly', TIMESTAMPTZ '2026-10-31 02:00:00+00', TIMESTAMPTZ '2026-10-31 02:01:00+00', 'failed',    'transform failed'),
    (4, 'nightly', TIMESTAMPTZ '2026-11-01 02:00:00+00', TIMESTAMPTZ '2026-11-01 02:05:00+00', 'succeeded', NULL),
    (5, 'hourly',  TIMESTAMPTZ '2026-11-01 09:00:00+00', TIMESTAMPTZ '2026-11-01 09:00:05+00', 'succeeded', 'nothing new');

INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('UNQ-001', 'uniqueness',   'any',    'warning', 0.001, 'Two records of one feed share a record identifier.'),
    ('REL-001', 'relationship', 'any',    'warning', 0.05,  'A clinical record names a patient the provider never sent.');
