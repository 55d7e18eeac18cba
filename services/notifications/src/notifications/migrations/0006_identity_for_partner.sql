-- What a person consented to show a matched partner of their identity (profiles' contacts topic): attribute name ->
-- their own words. Replaced whole by each contact event, so a withdrawal takes it out of the next message.
ALTER TABLE contacts ADD COLUMN identity_for_partner jsonb NOT NULL DEFAULT '{}';
