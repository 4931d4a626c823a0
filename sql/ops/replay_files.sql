-- Replay: the loaded files that hold at least one quarantined row (held back when read, or by
-- a rule in the last transform), for the providers given ($1; an empty list means all).
SELECT DISTINCT l.provider, l.feed, l.sha256
FROM ops.file_ledger l
SEMI JOIN quality.quarantine q ON q.provider = l.provider AND q.feed = l.feed AND q.file_sha256 = l.sha256
WHERE l.status = 'loaded' AND (len($1) = 0 OR list_contains($1, l.provider));
