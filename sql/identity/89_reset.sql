-- The end of identity resolution: the planner may order joins again (see 10_records.sql).
RESET disabled_optimizers;
