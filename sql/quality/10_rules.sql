-- quality.rules: the rules the extractors apply while reading a file (the SQL rules declare
-- theirs in their own files). Every quarantine and flag row names one rule.
-- Rules about whole files (entity 'file') count files, not rows, in quality.results.
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('EXT-001', 'conformance', 'any',  'error',   0.01, 'The record has a different number of fields from the file''s header (cut short, or an unquoted delimiter).'),
    ('EXT-002', 'conformance', 'any',  'error',   0.01, 'The record could not be parsed (a stray quote, bad JSON, a line of the wrong length, text that is not valid in the file''s encoding).'),
    ('SCH-001', 'conformance', 'file', 'warning', 0,    'The file has a column the feed''s last accepted file did not have (kept in raw.*._extra, not mapped).'),
    ('SCH-002', 'conformance', 'file', 'error',   0,    'The file lacks a column the configuration maps, or cannot be read at all: the whole file is rejected.');
