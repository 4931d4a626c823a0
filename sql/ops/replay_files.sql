-- Replay: the loaded files to read again, for the providers given ($1; an empty list means
-- all). With a start ($2, a replay after a fix: --from DATE), every file received since;
-- without, the files that hold at least one quarantined row (held back when read, or by a
-- rule in the last transform). A whole extract since superseded is not read again: the later
-- extract carries the feed's record.
SELECT DISTINCT l.provider, l.feed, l.sha256
FROM ops.file_ledger l
WHERE l.status = 'loaded' AND l.superseded_by IS NULL AND (len($1) = 0 OR list_contains($1, l.provider))
  AND CASE WHEN $2::TIMESTAMPTZ IS NOT NULL THEN l.received_at >= $2::TIMESTAMPTZ
           ELSE EXISTS (SELECT 1 FROM quality.quarantine q
                        WHERE q.provider = l.provider AND q.feed = l.feed AND q.file_sha256 = l.sha256) END;
