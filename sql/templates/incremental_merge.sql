-- core.{{ident .Table}} ← incremental_core (core's own SQL for {{.Table}}, applied to the hourly
-- batch; transform/incremental.go): the batch's latest version of each record replaces the one
-- in core unless core's is newer by the source's own order (source_version); a record whose
-- latest word in the batch is a withdrawal (entered in error, WDR-001) leaves core. Rows that
-- leave core are noted in incremental_moves, and the batch's versions that lost to a newer
-- one in incremental_lost, for the ledger (incremental/90_ledger.sql).
CREATE OR REPLACE TEMP TABLE incremental_withdrawn AS
SELECT v.{{ident .Key}}, v.source_version
FROM (
    SELECT md5(concat_ws('|', x._provider, x._feed, x.record_id)) AS {{ident .Key}}, x.source_version,
           x._provider, x._feed, x._file_sha256, x._row_number,
           row_number() OVER (PARTITION BY x._provider, x._feed, x.record_id
                              ORDER BY x.source_version DESC NULLS LAST, x._file_id DESC, x._row_number DESC) AS version
    FROM staging.{{ident .Table}} x
    ANTI JOIN quality.unversioned_rows q USING (_provider, _feed, _file_sha256, _row_number)
) v
SEMI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
WHERE v.version = 1;

CREATE OR REPLACE TEMP TABLE incremental_wins AS
SELECT b.{{ident .Key}}, b.withdrawn, c.{{ident .Key}} IS NOT NULL AS in_core
FROM (
    SELECT {{ident .Key}}, source_version, false AS withdrawn FROM incremental_core
    UNION ALL
    SELECT {{ident .Key}}, source_version, true FROM incremental_withdrawn
) b
LEFT JOIN core.{{ident .Table}} c ON c.{{ident .Key}} = b.{{ident .Key}}
WHERE c.{{ident .Key}} IS NULL OR b.source_version IS NULL OR c.source_version IS NULL
   OR b.source_version >= c.source_version;

INSERT INTO incremental_moves
SELECT {{literal .Entity}}, c._provider, c._feed, c._file_sha256, count(*)
FROM core.{{ident .Table}} c
SEMI JOIN incremental_wins w ON w.{{ident .Key}} = c.{{ident .Key}}
GROUP BY ALL;

INSERT INTO incremental_lost
SELECT {{literal .Entity}}, c._provider, c._feed, c._file_sha256, count(*)
FROM incremental_core c
ANTI JOIN incremental_wins w ON w.{{ident .Key}} = c.{{ident .Key}}
GROUP BY ALL;

DELETE FROM core.{{ident .Table}} WHERE {{ident .Key}} IN (SELECT {{ident .Key}} FROM incremental_wins);

-- The batch's rows that are now core's (kept for history as well: load/history.go reads the
-- touched records' new versions from here rather than scanning core for them twice).
CREATE OR REPLACE TEMP TABLE incremental_current_{{.Table}} AS
SELECT c.*
FROM incremental_core c
SEMI JOIN (SELECT {{ident .Key}} FROM incremental_wins WHERE NOT withdrawn) w ON w.{{ident .Key}} = c.{{ident .Key}};

INSERT INTO core.{{ident .Table}} BY NAME
SELECT * FROM incremental_current_{{.Table}};

-- The records this batch replaced, added or withdrew, for core's history (load/history.go),
-- and whether core had them before (in_core: only those can have a version still current).
CREATE OR REPLACE TEMP TABLE incremental_touched_{{.Table}} AS
SELECT {{ident .Key}}, in_core FROM incremental_wins;

DROP TABLE incremental_withdrawn;
DROP TABLE incremental_wins;
DROP TABLE incremental_core;
