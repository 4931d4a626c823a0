-- Whether the warehouse, lake and reports already reflect every loaded file: the latest
-- published run built them, and no file has been landed since (by a later run that died or
-- failed before publishing). A first run with an empty inbox is not up to date: it builds.
-- Also when that run published: a read-only copy older than this is remade.
WITH published AS (
    SELECT arg_max(run_id, run_id) AS run_id, max(published_at) AS published_at
    FROM ops.runs WHERE published_at IS NOT NULL
)
SELECT p.run_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM ops.file_ledger f WHERE f.status = 'loaded' AND f.batch_id > p.run_id),
   p.published_at
FROM published p;
