-- What the warehouse holds from each feed, for the scheduler's status page and metrics:
-- files loaded and rejected, rows read and where they went, when the newest loaded file was
-- received, and the reason the newest rejected file was rejected (the message names the file).
SELECT provider, feed,
       count(*) FILTER (WHERE status = 'loaded')                          AS files_loaded,
       count(*) FILTER (WHERE status = 'rejected')                        AS files_rejected,
       coalesce(sum(rows_read), 0)                                        AS rows_read,
       coalesce(sum(rows_loaded), 0)                                      AS rows_loaded,
       coalesce(sum(rows_quarantined), 0)                                 AS rows_quarantined,
       coalesce(sum(rows_superseded), 0)                                  AS rows_superseded,
       max(received_at) FILTER (WHERE status = 'loaded')                  AS last_loaded,
       arg_max(coalesce(message, file_name || ': rejected'), received_at)
           FILTER (WHERE status = 'rejected')                             AS last_rejected
FROM ops.file_ledger
GROUP BY provider, feed
ORDER BY provider, feed;
