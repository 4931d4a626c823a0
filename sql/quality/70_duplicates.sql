-- UNQ-001: the same record sent twice in one file, every field identical. The earlier copy is
-- flagged (and superseded by the later one in core, as any older version is). Checked per raw
-- table by templates/quality_duplicates.sql, which transform runs for each feed after this
-- directory: exactness is on the record as sent, since one source record can yield several
-- staging rows that legitimately look alike (a patient's details on every ADT message).
INSERT OR REPLACE INTO quality.rules (rule_id, category, entity, severity, threshold, description) VALUES
    ('UNQ-001', 'uniqueness', 'any', 'warning', 0.01, 'The record was sent again later in the same file with every field identical; the earlier copy is superseded.');
