-- staging.person_merge ← raw.nbt_pas_adt, raw.nbt_pas_adt_live: an A40 says the hospital
-- number in MRG-1 (type PI) was merged into the one in PID-3: the merged-away number keeps
-- pointing at the survivor's person (core/20_person_link.sql).
INSERT INTO staging.person_merge BY NAME
WITH adt AS (
    SELECT * FROM raw.nbt_pas_adt
    UNION ALL BY NAME
    SELECT * FROM raw.nbt_pas_adt_live
)
SELECT
    merged_mrn                                       AS merged_id,
    mrn                                              AS survivor_id,
    _provider, _feed, _file_id, _file_sha256, _row_number, _line, _batch_id
FROM adt
WHERE upper(event) = 'A40' AND merged_mrn IS NOT NULL AND mrn IS NOT NULL AND merged_mrn <> mrn;
