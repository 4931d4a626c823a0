-- How many people the batch's links name that have no golden record yet (the hourly job
-- builds theirs only; incremental/20_people.sql).
SELECT count(DISTINCT l.person_id)
FROM core.person_link l
ANTI JOIN core.person p USING (person_id)
WHERE l.person_id IS NOT NULL AND l._batch_id = getvariable('ccare_batch');
