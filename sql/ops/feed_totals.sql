-- What the warehouse holds from each feed, for the scheduler's status page and metrics:
-- files loaded and rejected, rows read and where they went, when the newest loaded file was
-- received, and the reason the newest rejected file was rejected (the message names the file).
-- For whole feeds (delivery: whole): the files a later extract has superseded, those whose
-- rows have moved to the archive, and the shrink guard's reason while it holds back the
-- newest extract (a held file is still read, so it is not superseded; ops/held_back.sql).
SELECT provider, feed,
       count(*) FILTER (WHERE status = 'loaded')                          AS files_loaded,
       count(*) FILTER (WHERE status = 'rejected')                        AS files_rejected,
       coalesce(sum(rows_read), 0)                                        AS rows_read,
       coalesce(sum(rows_loaded), 0)                                      AS rows_loaded,
       coalesce(sum(rows_quarantined), 0)                                 AS rows_quarantined,
       coalesce(sum(rows_superseded), 0)                                  AS rows_superseded,
       max(received_at) FILTER (WHERE status = 'loaded')                  AS last_loaded,
       arg_max(coalesce(message, file_name || ': rejected'), received_at)
           FILTER (WHERE status = 'rejected')                             AS last_rejected,
       count(*) FILTER (WHERE superseded_by IS NOT NULL)                  AS files_superseded,
       count(*) FILTER (WHERE archived_to IS NOT NULL)                    AS files_archived,
       max(received_at) FILTER (WHERE status = 'rejected')                AS last_rejected_at,
       arg_max(message, file_id)
           FILTER (WHERE status = 'loaded' AND superseded_by IS NULL
                   AND starts_with(message, 'held back: '))               AS held_back
FROM ops.file_ledger
GROUP BY provider, feed
ORDER BY provider, feed;
