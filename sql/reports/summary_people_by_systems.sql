-- People by the number of systems that know them.
SELECT provider_count AS systems, count(*) AS people
FROM core.person
GROUP BY ALL
ORDER BY systems;
