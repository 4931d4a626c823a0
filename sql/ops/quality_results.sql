-- quality.results for run $1: per provider and rule, rows checked and failed over everything
-- the warehouse holds after this run (every file landed so far), against the rule's threshold.
-- Staging rules count the source rows in quality_checked and the distinct rows they quarantined
-- or flagged; the extractors' rules count the rows read from loaded files; file rules count files.
INSERT INTO quality.results BY NAME
WITH checked AS (
    SELECT rule_id, provider, sum(rows_checked) AS rows_checked
    FROM quality_checked
    GROUP BY ALL
    UNION ALL
    SELECT r.rule_id, l.provider, sum(l.rows_read)
    FROM ops.file_ledger l
    CROSS JOIN (VALUES ('EXT-001'), ('EXT-002')) r(rule_id)
    WHERE l.status = 'loaded'
    GROUP BY ALL
    UNION ALL
    SELECT r.rule_id, l.provider, count(*)
    FROM ops.file_ledger l
    CROSS JOIN (VALUES ('SCH-001'), ('SCH-002')) r(rule_id)
    GROUP BY ALL
),
failed AS (
    -- A row a rule failed twice (two bad codes on it) counts once. DISTINCT on a 64-bit hash
    -- of the row's identity, as a grouping rather than count(DISTINCT …): a grouping can
    -- spill to disk, which millions of flagged rows need under a small memory limit.
    SELECT rule_id, provider, count(*) AS rows_failed
    FROM (
        SELECT DISTINCT rule_id, provider, hash(feed, file_sha256, row_number) AS row_hash FROM quality.quarantine
        UNION
        SELECT DISTINCT rule_id, provider, hash(feed, file_sha256, row_number) FROM quality.flag
    )
    GROUP BY ALL
    UNION ALL
    SELECT 'SCH-001', provider, count(*) FILTER (WHERE len(added_columns) > 0) FROM ops.file_ledger GROUP BY ALL
    UNION ALL
    SELECT 'SCH-002', provider, count(*) FILTER (WHERE status = 'rejected') FROM ops.file_ledger GROUP BY ALL
)
SELECT
    $1                                                   AS run_id,
    c.provider,
    c.rule_id,
    r.category,
    r.severity,
    c.rows_checked,
    coalesce(f.rows_failed, 0)                           AS rows_failed,
    coalesce(f.rows_failed, 0) / c.rows_checked          AS failure_rate,
    r.threshold,
    coalesce(f.rows_failed, 0) / c.rows_checked <= r.threshold AS passed
FROM checked c
JOIN quality.rules r USING (rule_id)
LEFT JOIN failed f USING (rule_id, provider)
WHERE c.rows_checked > 0;
