-- A record the extractor could not turn into a raw row: kept with its rule, reason and
-- whatever could be read of it.
INSERT INTO quality.quarantine
    (stage, rule_id, reason, provider, feed, file_sha256, file_name, row_number, line, batch_id, record)
VALUES ('extract', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);
