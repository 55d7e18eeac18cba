-- Whose address a sign-in link was mailed to, when profiles knew them: their erasure forgets it (the address with it).
ALTER TABLE sign_in_links ADD COLUMN person_id uuid;
CREATE INDEX sign_in_links_person ON sign_in_links (person_id) WHERE person_id IS NOT NULL;
