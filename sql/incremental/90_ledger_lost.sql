-- ops.file_ledger ← incremental_lost: after ops/reconcile_ledger.sql has counted the hourly
-- batch's files ($1), their versions that lost to a newer one already in core are superseded.
UPDATE ops.file_ledger AS l
SET rows_superseded = l.rows_superseded + x.n
FROM (SELECT entity, _provider, _feed, _file_sha256, sum(n) AS n FROM incremental_lost GROUP BY ALL) x
WHERE l.batch_id = $1 AND l.status = 'loaded'
  AND l.entity = x.entity AND l.provider = x._provider AND l.feed = x._feed AND l.sha256 = x._file_sha256;
