-- When a session's person last proved they hold the address (an emailed link, or the identity provider): changing
-- the address or erasing the account needs it recent. Sessions open before this column say nothing: NULL, not recent.
ALTER TABLE sessions ADD COLUMN signed_in_at timestamptz;
