-- What each person consented to show a matched partner (attribute names, from profiles' consent events): only a
-- mentor who shows an attribute meets a mentee's requirement of it, since the pairing would tell the mentee.
-- Consents given before matching kept them are not known here: until given again, such a mentor meets no
-- requirement (nothing is disclosed that was not consented).
ALTER TABLE matching_profiles ADD COLUMN shown_to_partner text[] NOT NULL DEFAULT '{}';

-- No reason anyone reads is derived from identity any more (see domain/scoring.py).
UPDATE pairings SET reasons = array_remove(reasons, 'shared_identity') WHERE 'shared_identity' = ANY (reasons);
