-- UNQ-001 for raw.{{ident .Table}} (declared in sql/quality/70_duplicates.sql): rows whose every
-- field as sent (the mapped columns and _extra) equals a later row of the same file, leaving
-- out the row key the source assigns to each stored row (the feed's row_key). Rows are
-- compared by a 64-bit hash of those fields: two different records of one file colliding is
-- about as likely as a cosmic-ray bit flip, and would cost a warning, never a row.
CREATE OR REPLACE TEMP VIEW quality_check AS
WITH hashed AS (
    SELECT _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id,
           hash(*COLUMNS(c -> (NOT starts_with(c, '_') OR c = '_extra'){{range .RowKey}} AND c <> {{literal .}}{{end}})) AS content
    FROM raw.{{ident .Table}}
),
repeated AS (
    SELECT _file_id, content, max(_row_number) AS last_row, count(*) AS copies
    FROM hashed
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT 'UNQ-001' AS rule_id, h._provider, h._feed, h._file_id, h._file_sha256, h._row_number, h._line, h._batch_id,
       r.last_row IS NOT NULL AND h._row_number < r.last_row AS failed,
       format('line {} is sent again, identical, as record {} of the same file ({} copies)', h._line, r.last_row, r.copies) AS reason
FROM hashed h
LEFT JOIN repeated r ON r._file_id = h._file_id AND r.content = h.content;
