-- analyst.care_episode ← core.care_episode: service, team, status, dates, cost; not the care
-- provider's name (a personal assistant's, under a direct payment).
CREATE OR REPLACE TABLE analyst.care_episode AS
SELECT k.pseudonym, s.provider, s.service_type, s.team, s.status, s.start_date, s.end_date, s.weekly_cost
FROM core.care_episode s
LEFT JOIN analyst_person_key k USING (person_id);
