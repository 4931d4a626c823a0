-- staging.person_merge ← raw.nbt_pas_adt, raw.nbt_pas_adt_live: an A40 says the hospital
-- number in MRG-1 (type PI) was merged into the one in PID-3; an A37 unlinks the hospital
-- numbers of its two PID segments, which is how this PAS takes back a mistaken merge. The
-- A37 gives no direction, so it is written both ways round; identity/60_groups.sql lets it
-- cancel an earlier merge of the same pair.
INSERT INTO staging.person_merge BY NAME
WITH adt AS (
    SELECT * FROM raw.nbt_pas_adt
    UNION ALL BY NAME
    SELECT * FROM raw.nbt_pas_adt_live
)
SELECT
    'merge'                                          AS action,
    merged_mrn                                       AS merged_id,
    mrn                                              AS survivor_id,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM adt
WHERE upper(event) = 'A40' AND merged_mrn IS NOT NULL AND mrn IS NOT NULL AND merged_mrn <> mrn
UNION ALL
SELECT 'unmerge', unlinked_mrn, mrn, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM adt
WHERE upper(event) = 'A37' AND unlinked_mrn IS NOT NULL AND mrn IS NOT NULL AND unlinked_mrn <> mrn
UNION ALL
SELECT 'unmerge', mrn, unlinked_mrn, _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM adt
WHERE upper(event) = 'A37' AND unlinked_mrn IS NOT NULL AND mrn IS NOT NULL AND unlinked_mrn <> mrn;
