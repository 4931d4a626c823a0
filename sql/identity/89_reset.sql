-- The end of identity resolution: its temporary tables are dropped (under a small memory
-- limit the golden record and the clinical tables need the memory they hold), and the
-- planner may order joins again (see 10_records.sql).
DROP VIEW IF EXISTS identity_levels_count;
DROP VIEW IF EXISTS identity_pair_levels;
DROP TABLE IF EXISTS identity_pair;
DROP TABLE IF EXISTS identity_tf;
DROP TABLE IF EXISTS identity_score;
DROP TABLE IF EXISTS identity_merge;
DROP TABLE IF EXISTS identity_union;
DROP TABLE IF EXISTS identity_group;
DROP TABLE IF EXISTS identity_cluster;
DROP TABLE IF EXISTS identity_person;
DROP TABLE IF EXISTS identity_record;
DROP TABLE IF EXISTS identity_claim;
DROP TABLE IF EXISTS identity_owner;
DROP TABLE IF EXISTS identity_kept;
DROP TABLE IF EXISTS identity_new;
RESET disabled_optimizers;
