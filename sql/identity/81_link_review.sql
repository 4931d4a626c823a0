-- core.link_review ← identity_score: the clerical-review queue. Candidate pairs whose match
-- probability is between the review threshold ($1) and the link threshold ($2) and that
-- ended in different people: both records as compared, the probability and weight, and the
-- score breakdown (each comparison's level and its weight, log2 m/u).
CREATE OR REPLACE TABLE core.link_review AS
WITH review AS (
    SELECT * FROM identity_score WHERE match_probability >= $1 AND match_probability < $2
),
with_a AS (
    SELECT s.*, la.provider AS provider_a, la.local_id AS local_id_a, pa.person_id AS person_id_a,
           {'nhs_number': coalesce(la.nhs_number, la.nhs_digits_invalid), 'family_name': la.family, 'given_name': la.given,
            'birth_date': la.birth_date, 'sex': la.sex, 'postcode': la.postcode} AS record_a
    FROM identity_record la
    JOIN identity_person pa ON pa.node_id = la.node_id
    JOIN review s ON s.a = la.node_id
),
with_b AS (
    SELECT s.*, lb.provider AS provider_b, lb.local_id AS local_id_b, pb.person_id AS person_id_b,
           {'nhs_number': coalesce(lb.nhs_number, lb.nhs_digits_invalid), 'family_name': lb.family, 'given_name': lb.given,
            'birth_date': lb.birth_date, 'sex': lb.sex, 'postcode': lb.postcode} AS record_b
    FROM identity_record lb
    JOIN identity_person pb ON pb.node_id = lb.node_id
    JOIN with_a s ON s.b = lb.node_id
)
SELECT
    provider_a, local_id_a, person_id_a, provider_b, local_id_b, person_id_b,
    match_probability, match_weight, record_a, record_b,
    {'nhs': {'level': nhs, 'weight': w_nhs}, 'family_name': {'level': family, 'weight': w_family},
     'given_name': {'level': given, 'weight': w_given}, 'birth_date': {'level': birth, 'weight': w_birth},
     'sex': {'level': sex, 'weight': w_sex}, 'postcode': {'level': postcode, 'weight': w_postcode}} AS breakdown
FROM with_b
WHERE person_id_a <> person_id_b
ORDER BY match_probability DESC, provider_a, local_id_a, provider_b, local_id_b;
