-- The board pack's data-quality sheet: how far each provider's figures can be trusted.
-- Per configured system: the rows it sent (loaded files), the share held back by a quality
-- rule, its local identities and how many of them are linked to another record. The
-- report computes the shares from the counts as published (after the disclosure policy),
-- so that a share never reveals a suppressed count.
WITH files AS (
    SELECT provider,
           coalesce(sum(rows_read)        FILTER (WHERE status = 'loaded'), 0) AS rows_read,
           coalesce(sum(rows_quarantined) FILTER (WHERE status = 'loaded'), 0) AS rows_quarantined
    FROM ops.file_ledger
    GROUP BY provider
),
links AS (
    SELECT provider,
           count(*)                                         AS local_ids,
           count(*) FILTER (WHERE match_method <> 'no-match') AS linked
    FROM core.person_link
    GROUP BY provider
)
SELECT
    p.provider,
    p.organisation,
    coalesce(f.rows_read, 0)                                      AS rows_read,
    coalesce(f.rows_quarantined, 0)                               AS rows_quarantined,
    coalesce(l.local_ids, 0)                                      AS local_ids,
    coalesce(l.linked, 0)                                         AS linked
FROM ref.provider p
LEFT JOIN files f USING (provider)
LEFT JOIN links l USING (provider)
ORDER BY p.trust_rank, p.provider;
