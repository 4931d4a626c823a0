-- core.person_link ← staging.person_record (the hourly batch only; transform/incremental.go).
-- Each local id of the batch keeps the person it has. A local id new to the warehouse is
-- linked by its valid NHS number to the known person carrying it (whose birth date does not
-- disagree), or to the batch's other new local ids with that number; otherwise it gets a
-- person of its own, 'pending' until the next nightly run's full identity resolution
-- (which may link it by demographics: its person_id then merges, as core.person_id_event says).
-- Lineage moves to the local id's latest record; the files it leaves are noted in
-- incremental_moves for the ledger (incremental/9*_ledger_*.sql).
CREATE OR REPLACE TEMP TABLE incremental_moves (
    entity VARCHAR, _provider VARCHAR, _feed VARCHAR, _file_sha256 VARCHAR, n BIGINT
);
CREATE OR REPLACE TEMP TABLE incremental_lost (
    entity VARCHAR, _provider VARCHAR, _feed VARCHAR, _file_sha256 VARCHAR, n BIGINT
);

CREATE OR REPLACE TEMP TABLE incremental_records AS
SELECT * EXCLUDE (latest) FROM (
    SELECT p.*, row_number() OVER (PARTITION BY p._provider, p.local_id ORDER BY p._file_id DESC, p._row_number DESC) AS latest
    FROM staging.person_record p
    ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
    WHERE p.local_id IS NOT NULL
)
WHERE latest = 1;

INSERT INTO incremental_moves
SELECT 'person', l._provider, l._feed, l._file_sha256, count(*)
FROM core.person_link l
SEMI JOIN incremental_records r ON r._provider = l.provider AND r.local_id = l.local_id
GROUP BY ALL;

UPDATE core.person_link AS l
SET _provider = r._provider, _feed = r._feed, _file_sha256 = r._file_sha256,
    _row_number = r._row_number, _line = r._line, _batch_id = r._batch_id
FROM incremental_records r
WHERE r._provider = l.provider AND r.local_id = l.local_id;

CREATE OR REPLACE TEMP TABLE incremental_new AS
SELECT r.*, CASE WHEN nhs_number_valid(r.nhs_number) THEN r.nhs_number END AS valid_nhs
FROM incremental_records r
ANTI JOIN core.person_link l ON l.provider = r._provider AND l.local_id = r.local_id
ANTI JOIN incremental_merges m ON m.provider = r._provider AND m.merged_id = r.local_id;

CREATE OR REPLACE TEMP TABLE incremental_known AS
SELECT n._provider, n.local_id, min(p.person_id) AS person_id
FROM incremental_new n
JOIN core.person p ON p.nhs_number = n.valid_nhs
WHERE p.birth_date IS NULL OR n.birth_date IS NULL OR p.birth_date = n.birth_date
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE incremental_fresh AS
SELECT n._provider, n.local_id, n.valid_nhs,
       (SELECT coalesce(max(person_id), 0) FROM core.person_id_event)
           + dense_rank() OVER (ORDER BY n.valid_nhs NULLS LAST, CASE WHEN n.valid_nhs IS NULL THEN n._provider || '/' || n.local_id END) AS person_id
FROM incremental_new n
ANTI JOIN incremental_known k USING (_provider, local_id);

INSERT INTO core.person_id_event BY NAME
SELECT DISTINCT person_id, 'issued' AS event, CAST(NULL AS BIGINT) AS other_person_id, getvariable('ccare_batch') AS run_id, now() AS recorded_at,
       'new (hourly: matching by demographics waits for the nightly run)' AS note
FROM incremental_fresh;

INSERT INTO core.person_link BY NAME
SELECT
    n._provider AS provider,
    n.local_id,
    coalesce(k.person_id, f.person_id) AS person_id,
    CASE WHEN k.person_id IS NOT NULL OR count(*) OVER (PARTITION BY f.person_id) > 1 AND f.valid_nhs IS NOT NULL THEN 'nhs-number'
         ELSE 'pending' END AS match_method,
    CASE WHEN k.person_id IS NOT NULL OR count(*) OVER (PARTITION BY f.person_id) > 1 AND f.valid_nhs IS NOT NULL THEN 1.0 END AS match_score,
    CASE WHEN k.person_id IS NOT NULL THEN 'linked on NHS number (hourly)'
         ELSE 'pending: a person of its own until the nightly run matches it' END AS link_note,
    n._provider, n._feed, n._file_sha256, n._row_number, n._line, n._batch_id
FROM incremental_new n
LEFT JOIN incremental_known k USING (_provider, local_id)
LEFT JOIN incremental_fresh f USING (_provider, local_id);

-- New local ids the batch merges into a known one (incremental/05_merges.sql) join its person.
INSERT INTO core.person_link BY NAME
SELECT m.provider, m.merged_id AS local_id, s.person_id, 'merge' AS match_method, 1.0 AS match_score,
       'linked: merged into ' || m.survivor_id AS link_note,
       r._provider, r._feed, r._file_sha256, r._row_number, r._line, r._batch_id
FROM incremental_merges m
JOIN incremental_records r ON r._provider = m.provider AND r.local_id = m.merged_id
JOIN core.person_link s ON s.provider = m.provider AND s.local_id = m.survivor_id
ANTI JOIN core.person_link a ON a.provider = m.provider AND a.local_id = m.merged_id;

-- The links this batch made or moved, for core's history (load/history.go).
CREATE OR REPLACE TEMP TABLE incremental_touched_person_link AS
SELECT provider, local_id FROM core.person_link WHERE _batch_id = getvariable('ccare_batch');

DROP TABLE incremental_merges;
DROP TABLE incremental_new;
DROP TABLE incremental_known;
DROP TABLE incremental_fresh;
DROP TABLE incremental_records;
