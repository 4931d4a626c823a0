INSERT INTO ref.provider (provider, organisation, system, kind, trust_rank) VALUES (?, ?, ?, ?, ?);
