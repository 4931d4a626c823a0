-- The hourly batch's scratch tables.
DROP TABLE IF EXISTS incremental_moves;
DROP TABLE IF EXISTS incremental_lost;
RESET VARIABLE ccare_batch;
