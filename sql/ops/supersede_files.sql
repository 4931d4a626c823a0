-- ops.file_ledger: a whole feed's files ($1 provider, $2 feed) landed before its current
-- extract ($3, a file id) are superseded by it, and are no longer read. Their rows leave core
-- with this run, so their counts become final: rows quarantined when read (the extract stage,
-- whose quarantine rows stay) remain quarantined; every other row is superseded. Conservation
-- (read = loaded + quarantined + superseded) still holds, and still is checked.
UPDATE ops.file_ledger AS l
SET superseded_by = $3,
    rows_loaded = 0,
    rows_quarantined = x.quarantined,
    rows_superseded = l.rows_read - x.quarantined
FROM (
    SELECT f.file_id, count(DISTINCT q.row_number) AS quarantined
    FROM ops.file_ledger f
    LEFT JOIN quality.quarantine q
           ON q.stage = 'extract' AND q.provider = f.provider AND q.feed = f.feed AND q.file_sha256 = f.sha256
    WHERE f.provider = $1 AND f.feed = $2 AND f.status = 'loaded' AND f.superseded_by IS NULL AND f.file_id < $3
    GROUP BY f.file_id
) AS x
WHERE l.file_id = x.file_id;
