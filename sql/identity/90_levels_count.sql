-- The comparison patterns of the pairs now in identity_pair, counted (sql/identity/20_compare.sql).
SELECT nhs, family, given, birth, sex, postcode, pairs FROM identity_levels_count;
