-- Identity values are kept as keyed hashes (HMAC-SHA256 under MATCHING_IDENTITY_KEY), never in plaintext:
-- matching only compares them. The key is not known here, so the profiles stored before, with plaintext values,
-- are set aside in profiles_to_hash, and matching's job hashes them back one person at a time (as if their
-- profile had just arrived: room is offered then). Until then the person's matching profile is not known:
-- they are not paired and not on the waitlist, rather than paired on half the facts. A newer profile, a consent
-- withdrawn or an erasure that comes first applies there too.
CREATE TABLE profiles_to_hash AS SELECT * FROM matching_profiles WHERE identity <> '{}';
ALTER TABLE profiles_to_hash ADD PRIMARY KEY (person_id);
DELETE FROM matching_profiles WHERE identity <> '{}';
-- Their mentor rosters changed: instances keeping one in memory read it again.
UPDATE enrollments SET changed = nextval('roster_changes')
 WHERE person_id IN (SELECT person_id FROM profiles_to_hash);
