-- identity_score ← identity_pair (the candidates), core.link_model: each candidate pair's
-- Fellegi-Sunter match weight, the prior log2(λ/(1-λ)) (λ: the chance that two random
-- records match, $1) plus, per comparison, log2(m/u) of the level the pair is at. An exact
-- agreement on a name uses that name's frequency as u (term-frequency adjustment; never
-- below $2, so that one rare misspelling shared by two records does not decide alone).
-- probability = 1 / (1 + 2^-weight).
CREATE OR REPLACE TEMP TABLE identity_score AS
WITH levels AS (
    SELECT * FROM identity_pair_levels
),
weighed AS (
    SELECT
        v.a, v.b, v.nhs, v.family, v.given, v.birth, v.sex, v.postcode,
        coalesce(log2(mn.m / mn.u), 0)                                                    AS w_nhs,
        coalesce(log2(mf.m / CASE WHEN v.family = 3 AND tf_f.tf IS NOT NULL
                                  THEN greatest(tf_f.tf, CAST($2 AS DOUBLE)) ELSE mf.u END), 0) AS w_family,
        coalesce(log2(mg.m / CASE WHEN v.given = 3 AND tf_g.tf IS NOT NULL
                                  THEN greatest(tf_g.tf, CAST($2 AS DOUBLE)) ELSE mg.u END), 0) AS w_given,
        coalesce(log2(mb.m / mb.u), 0)                                                    AS w_birth,
        coalesce(log2(ms.m / ms.u), 0)                                                    AS w_sex,
        coalesce(log2(mp.m / mp.u), 0)                                                    AS w_postcode
    FROM levels v
    LEFT JOIN core.link_model mn ON mn.comparison = 'nhs'      AND mn.level = v.nhs
    LEFT JOIN core.link_model mf ON mf.comparison = 'family'   AND mf.level = v.family
    LEFT JOIN core.link_model mg ON mg.comparison = 'given'    AND mg.level = v.given
    LEFT JOIN core.link_model mb ON mb.comparison = 'birth'    AND mb.level = v.birth
    LEFT JOIN core.link_model ms ON ms.comparison = 'sex'      AND ms.level = v.sex
    LEFT JOIN core.link_model mp ON mp.comparison = 'postcode' AND mp.level = v.postcode
    LEFT JOIN identity_tf tf_f ON tf_f.comparison = 'family' AND tf_f.value = v.family_value
    LEFT JOIN identity_tf tf_g ON tf_g.comparison = 'given'  AND tf_g.value = v.given_value
)
SELECT
    *,
    log2(CAST($1 AS DOUBLE) / (1 - CAST($1 AS DOUBLE))) + w_nhs + w_family + w_given + w_birth + w_sex + w_postcode AS match_weight,
    1 / (1 + pow(2, -(log2(CAST($1 AS DOUBLE) / (1 - CAST($1 AS DOUBLE))) + w_nhs + w_family + w_given + w_birth + w_sex + w_postcode))) AS match_probability
FROM weighed;
