-- core.person_key ← staging.person_record: gives each valid NHS number not seen before the
-- next person_id, in NHS-number order so that the same inbox always yields the same ids.
INSERT INTO core.person_key (person_id, nhs_number, first_batch_id)
SELECT
    (SELECT coalesce(max(person_id), 0) FROM core.person_key) + row_number() OVER (ORDER BY nhs_number),
    nhs_number,
    first_batch_id
FROM (
    SELECT p.nhs_number, min(p._batch_id) AS first_batch_id
    FROM staging.person_record p
    ANTI JOIN quality.quarantined_rows q USING (_provider, _feed, _file_sha256, _row_number)
    WHERE nhs_number_valid(p.nhs_number)
    GROUP BY p.nhs_number
) AS new_numbers
ANTI JOIN core.person_key k USING (nhs_number);
