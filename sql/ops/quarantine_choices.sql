-- The values `ccare quarantine list` accepts for --provider and --rule ← ref.provider (the
-- configured providers), quality.rules (the catalogue), and any value the quarantine still
-- names (a provider since removed from the configuration).
SELECT 'provider' AS flag, provider AS value FROM ref.provider
UNION SELECT 'provider', provider FROM quality.quarantine
UNION SELECT 'rule', rule_id FROM quality.rules
UNION SELECT 'rule', rule_id FROM quality.quarantine
ORDER BY flag, value;
