-- The summary's provider table: per configured system, the files and rows the warehouse
-- holds for it (loaded files; rejected files are counted apart, as they hold nothing).
SELECT
    p.provider,
    p.organisation,
    p.system,
    count(f.file_id) FILTER (WHERE f.status = 'loaded')                     AS files_loaded,
    count(f.file_id) FILTER (WHERE f.status = 'rejected')                   AS files_rejected,
    coalesce(sum(f.rows_read)        FILTER (WHERE f.status = 'loaded'), 0) AS rows_read,
    coalesce(sum(f.rows_loaded)      FILTER (WHERE f.status = 'loaded'), 0) AS rows_loaded,
    coalesce(sum(f.rows_quarantined) FILTER (WHERE f.status = 'loaded'), 0) AS rows_quarantined,
    coalesce(sum(f.rows_superseded)  FILTER (WHERE f.status = 'loaded'), 0) AS rows_superseded,
    max(f.received_at)                                                      AS last_received
FROM ref.provider p
LEFT JOIN ops.file_ledger f ON f.provider = p.provider
GROUP BY p.provider, p.organisation, p.system, p.trust_rank
ORDER BY p.trust_rank, p.provider;
