-- ops.file_ledger ← incremental_moves: rows of earlier files that the hourly batch ($1)
-- replaced or withdrew from core move from loaded to superseded.
UPDATE ops.file_ledger AS l
SET rows_loaded = l.rows_loaded - x.n, rows_superseded = l.rows_superseded + x.n
FROM (SELECT entity, _provider, _feed, _file_sha256, sum(n) AS n FROM incremental_moves GROUP BY ALL) x
WHERE l.batch_id <> $1 AND l.status = 'loaded' AND l.superseded_by IS NULL
  AND l.entity = x.entity AND l.provider = x._provider AND l.feed = x._feed AND l.sha256 = x._file_sha256;
