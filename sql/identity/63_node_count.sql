-- How many local ids the clustering step numbers (node ids run 1..n).
SELECT count(*) FROM identity_group;
