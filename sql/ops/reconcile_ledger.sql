-- ops.file_ledger ← core.*, quality.quarantine, staging.*: recounts, for every loaded file, the
-- rows that reached core, were quarantined, or were superseded by a later version of the same
-- record. Each count comes from a different place, so conservation (read = loaded +
-- quarantined + superseded) is a real check, made by ops/conservation.sql. $1: only the files
-- of that batch (the hourly job, whose staging holds only them), or 0 for every file still
-- read (a whole extract since superseded has its final counts: ops/supersede_files.sql).
UPDATE ops.file_ledger AS l
SET rows_loaded = c.loaded, rows_quarantined = c.quarantined, rows_superseded = c.superseded
FROM (
    WITH core_rows AS (
        SELECT 'person' AS entity, _provider, _feed, _file_sha256 FROM core.person_link
        UNION ALL SELECT 'allergy',    _provider, _feed, _file_sha256 FROM core.allergy
        UNION ALL SELECT 'condition',  _provider, _feed, _file_sha256 FROM core.condition
        UNION ALL SELECT 'medication', _provider, _feed, _file_sha256 FROM core.medication
        UNION ALL SELECT 'encounter',  _provider, _feed, _file_sha256 FROM core.encounter
        UNION ALL SELECT 'care-episode', _provider, _feed, _file_sha256 FROM core.care_episode
    ),
    loaded AS (
        SELECT entity, _provider, _feed, _file_sha256, count(*) AS n FROM core_rows GROUP BY ALL
    ),
    quarantined AS (
        -- a row held by two rules counts once: DISTINCT as a grouping, which can spill to
        -- disk, rather than count(DISTINCT …), a set per file held in memory
        SELECT provider, feed, file_sha256, count(*) AS n
        FROM (SELECT DISTINCT provider, feed, file_sha256, row_number FROM quality.quarantine)
        GROUP BY ALL
    ),
    -- A primary row is superseded when a later version of the same record passed the rules
    -- or withdrew it, as core/4*.sql rank them (a withdrawal itself counts as quarantined).
    primary_rows AS NOT MATERIALIZED (
        SELECT 'person' AS entity, _provider, '' AS part, local_id AS record_id, CAST(NULL AS VARCHAR) AS source_version, _feed, _file_id, _file_sha256, _row_number FROM staging.person_record WHERE _primary
        UNION ALL SELECT 'allergy',    _provider, _feed, record_id, source_version, _feed, _file_id, _file_sha256, _row_number FROM staging.allergy    WHERE _primary
        UNION ALL SELECT 'condition',  _provider, _feed, record_id, source_version, _feed, _file_id, _file_sha256, _row_number FROM staging.condition  WHERE _primary
        UNION ALL SELECT 'medication', _provider, _feed, record_id, source_version, _feed, _file_id, _file_sha256, _row_number FROM staging.medication WHERE _primary
        UNION ALL SELECT 'encounter',  _provider, _feed, record_id, source_version, _feed, _file_id, _file_sha256, _row_number FROM staging.encounter  WHERE _primary
        UNION ALL SELECT 'care-episode', _provider, _feed, record_id, source_version, _feed, _file_id, _file_sha256, _row_number FROM staging.care_episode WHERE _primary
    ),
    versioned AS NOT MATERIALIZED (
        SELECT p.*, hash(entity, _provider, part, record_id) AS record_hash
        FROM primary_rows p
        ANTI JOIN quality.unversioned_rows q USING (_provider, _feed, _file_sha256, _row_number)
    ),
    -- Most records arrive once: only those with two or more rows are ranked. (Ranking all of
    -- them, a sort of every row, was most of this file's time: 28 of its 32 CPU seconds at a
    -- million people.) Records are counted by a 64-bit hash of their key, a far smaller
    -- aggregate than the key's text; two records whose hashes collide are merely both ranked,
    -- each in its own partition, so a collision cannot change a count.
    repeated AS (
        SELECT record_hash FROM versioned GROUP BY record_hash HAVING count(*) > 1
    ),
    superseded AS (
        SELECT entity, _provider, _feed, _file_sha256, count(*) AS n
        FROM (
            SELECT v.*, row_number() OVER (
                PARTITION BY entity, _provider, part, record_id ORDER BY source_version DESC NULLS LAST, _file_id DESC, _row_number DESC) AS version
            FROM versioned v
            SEMI JOIN repeated r ON r.record_hash = v.record_hash
        ) v
        ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
        WHERE version > 1
        GROUP BY ALL
    )
    SELECT
        f.file_id,
        coalesce(ld.n, 0) AS loaded,
        coalesce(qu.n, 0) AS quarantined,
        coalesce(su.n, 0) AS superseded
    FROM ops.file_ledger f
    LEFT JOIN loaded ld      ON ld.entity = f.entity AND ld._provider = f.provider AND ld._feed = f.feed AND ld._file_sha256 = f.sha256
    LEFT JOIN quarantined qu ON qu.provider = f.provider AND qu.feed = f.feed AND qu.file_sha256 = f.sha256
    LEFT JOIN superseded su  ON su.entity = f.entity AND su._provider = f.provider AND su._feed = f.feed AND su._file_sha256 = f.sha256
    WHERE f.status = 'loaded' AND f.superseded_by IS NULL AND ($1 = 0 OR f.batch_id = $1)
) AS c
WHERE l.file_id = c.file_id;
