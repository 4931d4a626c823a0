-- Rows held in quarantine, per provider and rule, with the rule's description. A row held
-- twice by one rule counts once: DISTINCT on a hash of its identity, as a grouping (which
-- can spill to disk) rather than count(DISTINCT …) of wide keys.
SELECT q.provider, q.rule_id, r.description, count(*) AS rows
FROM (
    SELECT DISTINCT provider, rule_id, hash(feed, file_sha256, row_number) AS row_hash
    FROM quality.quarantine
) q
LEFT JOIN quality.rules r USING (rule_id)
GROUP BY ALL
ORDER BY q.provider, q.rule_id;
