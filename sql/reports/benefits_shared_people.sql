-- Benefit measure: people known to two or more providers — the people for whom a shared
-- record joins anything at all. One row per provider (the people it knows, and how many
-- of them another provider knows too), then a total row (provider NULL): everyone in the
-- record, and everyone known to two or more. From core.person_link (one row per local
-- identity per provider); a person's providers are the distinct providers of their links.
WITH providers_per_person AS (
    SELECT person_id, count(DISTINCT provider) AS providers
    FROM core.person_link
    WHERE person_id IS NOT NULL
    GROUP BY person_id
)
SELECT
    l.provider,
    count(DISTINCT l.person_id)                                AS people,
    count(DISTINCT l.person_id) FILTER (WHERE p.providers >= 2) AS people_shared
FROM core.person_link l
JOIN providers_per_person p USING (person_id)
GROUP BY GROUPING SETS ((l.provider), ())
ORDER BY l.provider NULLS FIRST;
