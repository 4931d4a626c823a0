-- Every local id's person (ccare linkage scores them against a ground truth).
SELECT provider, local_id, person_id FROM core.person_link;
