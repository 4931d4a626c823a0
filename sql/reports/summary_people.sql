-- The summary's headline: people in the shared record, how many more than one system
-- knows, and the local identities that matched no other record (each is a person of its
-- own until a later record or a reviewer links it).
SELECT
    (SELECT count(*) FROM core.person)                                        AS people,
    (SELECT count(*) FROM core.person WHERE provider_count >= 2)              AS people_in_two_or_more,
    (SELECT count(*) FROM core.person_link WHERE match_method = 'no-match')   AS unlinked_local_ids,
    (SELECT count(*) FROM core.person_link)                                   AS local_ids;
