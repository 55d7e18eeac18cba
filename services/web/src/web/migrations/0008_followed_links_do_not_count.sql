-- A sign-in link followed no longer counts against its client's or its address's limit: a hall of people on one
-- network (a career fair's Wi-Fi, a hospital's) who each sign in do not add up; links asked for and never followed,
-- as someone trying addresses or flooding a mailbox asks for them, still do. Earlier requests count as before.
ALTER TABLE sign_in_requests ADD COLUMN link_digest text, ADD COLUMN followed boolean NOT NULL DEFAULT false;
CREATE INDEX sign_in_requests_link ON sign_in_requests (link_digest) WHERE link_digest IS NOT NULL;
