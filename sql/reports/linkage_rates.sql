-- Match rates per provider (ccare linkage): how each provider's local ids were linked, how
-- many wait in clerical review, and how many belong to a person another provider also knows.
WITH review AS (
    SELECT provider_a AS provider, local_id_a AS local_id FROM core.link_review
    UNION
    SELECT provider_b, local_id_b FROM core.link_review
),
shared AS (
    SELECT person_id FROM core.person_link GROUP BY person_id HAVING count(DISTINCT provider) > 1
)
SELECT
    l.provider,
    count(*)                                                    AS local_ids,
    count(*) FILTER (WHERE l.match_method = 'nhs-number')       AS nhs_number,
    count(*) FILTER (WHERE l.match_method = 'merge')            AS merge,
    count(*) FILTER (WHERE l.match_method = 'probabilistic')    AS probabilistic,
    count(*) FILTER (WHERE l.match_method = 'no-match')         AS no_match,
    count(r.local_id)                                           AS in_review,
    count(*) FILTER (WHERE l.match_method <> 'no-match') / count(*) AS linked_rate,
    count(s.person_id) / count(*)                               AS shared_rate
FROM core.person_link l
LEFT JOIN review r ON r.provider = l.provider AND r.local_id = l.local_id
LEFT JOIN shared s ON s.person_id = l.person_id
GROUP BY l.provider
ORDER BY l.provider;
