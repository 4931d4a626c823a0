-- Attaches the original row, as JSON, to each staging-stage quarantine entry of one raw table.
UPDATE quality.quarantine AS q
SET record = to_json(r)
FROM raw.{{ident .Table}} AS r
WHERE q.stage = 'staging' AND q.record IS NULL
  AND q.provider = r._provider AND q.feed = r._feed
  AND q.file_sha256 = r._file_sha256 AND q.row_number = r._row_number;
