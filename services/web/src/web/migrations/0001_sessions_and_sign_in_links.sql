-- The web app's own state: sessions and sign-in links, nothing more (profiles owns personal data).
-- Tokens and session ids are kept as their SHA-256 digests only.

CREATE TABLE sign_in_links (
    digest     text PRIMARY KEY,
    email      text NOT NULL,          -- whom the link signs in; forgotten once it expires
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX sign_in_links_expiry ON sign_in_links (expires_at);

-- Links asked for, per address (its digest) and per client, for the rate limits.
CREATE TABLE sign_in_requests (
    key      text NOT NULL,
    asked_at timestamptz NOT NULL
);
CREATE INDEX sign_in_requests_key ON sign_in_requests (key, asked_at);

CREATE TABLE sessions (
    digest     text PRIMARY KEY,
    csrf_token text NOT NULL,
    person_id  uuid,                   -- null until sign-up has registered the person
    email      text,                   -- the confirmed address, only until then
    chapter_id uuid,
    stage      text,
    language   text,
    timezone   text,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
