-- Rows held in quarantine, per provider and rule, with the rule's description.
SELECT q.provider, q.rule_id, r.description, count(DISTINCT (q.file_sha256, q.row_number)) AS rows
FROM quality.quarantine q
LEFT JOIN quality.rules r USING (rule_id)
GROUP BY ALL
ORDER BY q.provider, q.rule_id;
