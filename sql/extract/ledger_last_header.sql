-- The header of the feed's last loaded file, as a JSON array (NULL when none has a header):
-- what schema drift (quality rule SCH-001) is measured against.
SELECT CAST(to_json(header) AS VARCHAR)
FROM ops.file_ledger
WHERE provider = ? AND feed = ? AND status = 'loaded' AND header IS NOT NULL
ORDER BY file_id DESC
LIMIT 1;
