-- identity_union ← the clustering step's result: $1 group ids, $2 the cluster each joined,
-- $3 the kind of edge that joined it (merge | score).
INSERT INTO identity_union
SELECT unnest(CAST($1 AS BIGINT[])), unnest(CAST($2 AS BIGINT[])), unnest(CAST($3 AS VARCHAR[]));
