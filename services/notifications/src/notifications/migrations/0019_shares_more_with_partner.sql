-- An email says only that a partner shares more of who they are (on the mentorship's page), never what: notifications
-- keeps whether they do, not their answers, so its database is no copy of anyone's identity.
ALTER TABLE contacts ADD COLUMN shares_more_with_partner boolean NOT NULL DEFAULT false;
UPDATE contacts SET shares_more_with_partner = identity_for_partner <> '{}'::jsonb;
ALTER TABLE contacts DROP COLUMN identity_for_partner;
