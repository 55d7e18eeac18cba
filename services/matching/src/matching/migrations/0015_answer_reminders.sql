-- Whoever has yet to answer a proposal or a request is reminded once before it lapses: the watch claims the reminder
-- by setting this, so however many instances run, it goes out once.
ALTER TABLE pairings ADD COLUMN answer_reminded boolean NOT NULL DEFAULT false;
