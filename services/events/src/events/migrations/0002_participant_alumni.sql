-- Alumni (who volunteer as mentors) may offer office hours: remember the flag profiles publishes with a person.
-- People remembered before this learn theirs from profiles' next PersonUpdated.
ALTER TABLE participants ADD COLUMN is_alumni boolean NOT NULL DEFAULT false;
