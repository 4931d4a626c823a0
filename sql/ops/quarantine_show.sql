-- `ccare quarantine show` ← quality.quarantine, quality.rules, ops.file_ledger: every rule
-- one quarantined row failed, with its file and the record as sent. One row per failure.
-- Parameters: provider and feed (NULL: any), file name, line (the physical line the
-- reasons quote). A name resent with new content is a second file: the newest comes first.
WITH want AS (
    SELECT ?::VARCHAR AS provider, ?::VARCHAR AS feed, ?::VARCHAR AS file_name, ?::BIGINT AS line
)
SELECT q.provider, q.feed, q.file_name, q.file_sha256, f.received_at, q.batch_id,
       q.row_number, q.line, q.stage, q.rule_id,
       coalesce(r.severity, '?') AS severity, coalesce(r.category, '?') AS category,
       coalesce(r.description, 'not in quality.rules') AS description,
       q.reason, CAST(q.record AS VARCHAR) AS record
FROM quality.quarantine AS q
CROSS JOIN want AS w
LEFT JOIN quality.rules AS r ON r.rule_id = q.rule_id
LEFT JOIN ops.file_ledger AS f
       ON f.provider = q.provider AND f.feed = q.feed AND f.sha256 = q.file_sha256
WHERE q.file_name = w.file_name AND q.line = w.line
  AND (w.provider IS NULL OR q.provider = w.provider)
  AND (w.feed IS NULL OR q.feed = w.feed)
ORDER BY q.provider, q.feed, f.received_at DESC NULLS LAST, q.file_sha256, q.rule_id, q.reason;
