-- identity_pair: pairs of local ids (node ids a < b) to compare; each step of identity
-- resolution fills it (random pairs, training pairs, candidates) and reads the comparison
-- levels of its pairs through identity_pair_levels.
--
-- Comparison levels, as in Splink: for each attribute, how closely two records agree, from
-- 0 (they disagree) up; -1 where either side is missing, which is no evidence either way.
--   nhs       3 the same valid number; 2 one keying slip apart (a digit or a transposition,
--               the usual reason a number fails Modulus 11); 0 different
--   family    3 the same; 2 Jaro-Winkler ≥ 0.92; 1 Jaro-Winkler ≥ 0.80 or the same Soundex; 0
--   given     as family, and 1 also when one is the start of the other (Chris, Christopher)
--             Family and given names the wrong way round count as both the same.
--   birth     3 the same; 2 day and month swapped; 1 one character apart (a keying slip); 0
--   sex       1 the same; 0 different (unknown and other are missing)
--   postcode  3 the same; 2 the same sector (BS7 8); 1 the same district (BS7); 0
CREATE OR REPLACE TEMP TABLE identity_pair (a BIGINT NOT NULL, b BIGINT NOT NULL);

CREATE OR REPLACE TEMP VIEW identity_pair_levels AS
WITH joined AS (
    SELECT l.a, l.b,
           coalesce(l.nhs_number, l.nhs_digits_invalid) AS l_nhs, coalesce(r.nhs_number, r.nhs_digits_invalid) AS r_nhs,
           l.family AS l_family, r.family AS r_family, l.given AS l_given, r.given AS r_given,
           l.family_sx AS l_family_sx, r.family_sx AS r_family_sx, l.given_sx AS l_given_sx, r.given_sx AS r_given_sx,
           l.birth_date AS l_birth, r.birth_date AS r_birth, l.sex AS l_sex, r.sex AS r_sex,
           l.postcode AS l_postcode, r.postcode AS r_postcode,
           l.family = r.given AND l.given = r.family AND l.family <> l.given AS swapped
    FROM identity_record r
    JOIN (
        SELECT p.a, p.b, l.* EXCLUDE (node_id)
        FROM identity_record l
        JOIN identity_pair p ON p.a = l.node_id
    ) l ON r.node_id = l.b
)
SELECT
    a, b,
    CASE WHEN l_nhs IS NULL OR r_nhs IS NULL OR l_nhs = '' OR r_nhs = '' THEN -1
         WHEN l_nhs = r_nhs THEN 3
         WHEN length(l_nhs) = 10 AND length(r_nhs) = 10 AND damerau_levenshtein(l_nhs, r_nhs) <= 1 THEN 2
         ELSE 0 END AS nhs,
    CASE WHEN l_family IS NULL OR r_family IS NULL THEN -1
         WHEN l_family = r_family OR swapped THEN 3
         WHEN jaro_winkler_similarity(l_family, r_family) >= 0.92 THEN 2
         WHEN jaro_winkler_similarity(l_family, r_family) >= 0.80 OR l_family_sx = r_family_sx THEN 1
         ELSE 0 END AS family,
    CASE WHEN l_given IS NULL OR r_given IS NULL THEN -1
         WHEN l_given = r_given OR swapped THEN 3
         WHEN jaro_winkler_similarity(l_given, r_given) >= 0.92 THEN 2
         WHEN jaro_winkler_similarity(l_given, r_given) >= 0.80 OR l_given_sx = r_given_sx
              OR (least(length(l_given), length(r_given)) >= 2
                  AND (starts_with(l_given, r_given) OR starts_with(r_given, l_given))) THEN 1
         ELSE 0 END AS given,
    CASE WHEN l_birth IS NULL OR r_birth IS NULL THEN -1
         WHEN l_birth = r_birth THEN 3
         WHEN year(l_birth) = year(r_birth) AND month(l_birth) = day(r_birth) AND day(l_birth) = month(r_birth) THEN 2
         WHEN damerau_levenshtein(CAST(l_birth AS VARCHAR), CAST(r_birth AS VARCHAR)) <= 1 THEN 1
         ELSE 0 END AS birth,
    CASE WHEN l_sex IS NULL OR r_sex IS NULL THEN -1 WHEN l_sex = r_sex THEN 1 ELSE 0 END AS sex,
    CASE WHEN l_postcode IS NULL OR r_postcode IS NULL THEN -1
         WHEN l_postcode = r_postcode THEN 3
         WHEN length(l_postcode) > 2 AND left(l_postcode, -2) = left(r_postcode, -2) THEN 2
         WHEN length(l_postcode) > 3 AND left(l_postcode, -3) = left(r_postcode, -3) THEN 1
         ELSE 0 END AS postcode,
    -- the values an exact agreement is on, for the term-frequency adjustment
    CASE WHEN l_family = r_family THEN l_family WHEN swapped THEN l_family END AS family_value,
    CASE WHEN l_given = r_given THEN l_given WHEN swapped THEN l_given END   AS given_value
FROM joined;

-- identity_tf: how common each name is among local ids (term frequency): agreeing on Smith
-- is weaker evidence than agreeing on a rare name, so an exact agreement's u is the name's
-- frequency rather than the average.
CREATE OR REPLACE TEMP TABLE identity_tf AS
SELECT 'family' AS comparison, family AS value, count(*) / sum(count(*)) OVER () AS tf
FROM identity_record WHERE family IS NOT NULL GROUP BY family
UNION ALL
SELECT 'given', given, count(*) / sum(count(*)) OVER ()
FROM identity_record WHERE given IS NOT NULL GROUP BY given;

-- identity_levels_count: the comparison vectors of the pairs in identity_pair, counted; what
-- u estimation and the EM training read.
CREATE OR REPLACE TEMP VIEW identity_levels_count AS
SELECT nhs, family, given, birth, sex, postcode, count(*) AS pairs
FROM identity_pair_levels
GROUP BY ALL;
