-- `ccare quarantine list`'s footer ← quality.quarantine: how many rows each rule holds back
-- among those the filters select (all of them, not only the rows the limit lets through).
-- Parameters and filter as in quarantine_list.sql (without the limit); keep them in step.
WITH want AS (
    SELECT ?::VARCHAR[] AS providers, ?::VARCHAR AS feed, ?::VARCHAR[] AS rules,
           ?::VARCHAR AS file_name, ?::VARCHAR AS stage
)
SELECT q.rule_id, count(*) AS quarantined
FROM quality.quarantine AS q, want AS w
WHERE (coalesce(len(w.providers), 0) = 0 OR list_contains(w.providers, q.provider))
  AND (w.feed IS NULL OR q.feed = w.feed)
  AND (coalesce(len(w.rules), 0) = 0 OR list_contains(w.rules, q.rule_id))
  AND (w.file_name IS NULL OR q.file_name = w.file_name)
  AND (w.stage IS NULL OR q.stage = w.stage)
GROUP BY q.rule_id
ORDER BY q.rule_id;
