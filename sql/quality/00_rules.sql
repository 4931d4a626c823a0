-- quality.rules: the catalogue of rules this pipeline enforces. Every quarantine row names one.
-- Categories follow the OHDSI Data Quality Dashboard (conformance, completeness, plausibility).
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('EXT-001', 'conformance',  'any',       'error', 0.01, 'The record has a different number of fields from the file''s header (cut short, or an unquoted delimiter).'),
    ('EXT-002', 'conformance',  'any',       'error', 0.01, 'The record could not be parsed (for example a stray quote).'),
    ('REQ-001', 'completeness', 'person',    'error', 0.01, 'A person record has no local identifier, so nothing can refer to it.'),
    ('REQ-002', 'completeness', 'any',       'error', 0.01, 'A clinical record has no record identifier or no patient identifier.'),
    ('DAT-001', 'conformance',  'any',       'error', 0.01, 'A date or time is present but is not in the format the feed declares.'),
    ('DAT-002', 'plausibility', 'any',       'error', 0.01, 'A date is after the day the file containing it was received.');
