-- A change of email address waits here until confirmed from the new address: one pending change per person, its
-- single-use token kept only as a SHA-256 digest.
CREATE TABLE email_changes (
    person_id     uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    new_email     text        NOT NULL,
    token_digest  bytea       NOT NULL UNIQUE,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX email_changes_expiry ON email_changes (expires_at);
