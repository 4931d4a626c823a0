-- `ccare quarantine show` when nothing is quarantined at the line asked for ← ops.file_ledger,
-- quality.quarantine: each feed that received a file of that name, with up to five of its
-- quarantined lines nearest the one asked for (line NULL: the file has none).
-- Parameters: provider and feed (NULL: any), file name, line.
WITH want AS (
    SELECT ?::VARCHAR AS provider, ?::VARCHAR AS feed, ?::VARCHAR AS file_name, ?::BIGINT AS line
),
feeds AS (
    SELECT DISTINCT f.provider, f.feed
    FROM ops.file_ledger AS f, want AS w
    WHERE f.file_name = w.file_name
      AND (w.provider IS NULL OR f.provider = w.provider)
      AND (w.feed IS NULL OR f.feed = w.feed)
),
lines AS (
    SELECT DISTINCT q.provider, q.feed, q.line
    FROM quality.quarantine AS q, want AS w
    WHERE q.file_name = w.file_name
)
SELECT d.provider, d.feed, l.line
FROM feeds AS d
CROSS JOIN want AS w
LEFT JOIN lines AS l ON l.provider = d.provider AND l.feed = d.feed
QUALIFY row_number() OVER (PARTITION BY d.provider, d.feed ORDER BY abs(l.line - w.line), l.line) <= 5
ORDER BY d.provider, d.feed, l.line;
