-- `ccare quarantine list` ← quality.quarantine: the rows held back, narrowed by the
-- operator's filters, in the order the command prints them.
-- Parameters: providers (list; empty: all), feed, rules (list; empty: all), file name,
-- stage (NULL: any of them), then the row limit (NULL: all).
-- Keep the filter in step with quarantine_tally.sql, which counts what this lists.
WITH want AS (
    SELECT ?::VARCHAR[] AS providers, ?::VARCHAR AS feed, ?::VARCHAR[] AS rules,
           ?::VARCHAR AS file_name, ?::VARCHAR AS stage
)
SELECT q.stage, q.rule_id, q.reason, q.provider, q.feed, q.file_sha256, q.file_name,
       q.row_number, q.line, q.batch_id, CAST(q.record AS VARCHAR) AS record
FROM quality.quarantine AS q, want AS w
WHERE (coalesce(len(w.providers), 0) = 0 OR list_contains(w.providers, q.provider))
  AND (w.feed IS NULL OR q.feed = w.feed)
  AND (coalesce(len(w.rules), 0) = 0 OR list_contains(w.rules, q.rule_id))
  AND (w.file_name IS NULL OR q.file_name = w.file_name)
  AND (w.stage IS NULL OR q.stage = w.stage)
ORDER BY q.provider, q.feed, q.file_name, q.line, q.rule_id, q.reason, q.file_sha256
LIMIT ?;
