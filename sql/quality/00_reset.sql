-- Staging rules are re-evaluated on every transform from raw.*; extract-stage rows stay.
DELETE FROM quality.quarantine WHERE stage = 'staging';
DELETE FROM quality.flag;
