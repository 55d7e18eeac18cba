-- A sign-in through the organisation's identity provider under way: its state (as a digest), bound to the browser
-- that began it, with the nonce and PKCE verifier that finish it. Used once; forgotten after ten minutes.
CREATE TABLE oidc_attempts (
    state_digest   text PRIMARY KEY,
    browser_digest text NOT NULL,
    nonce          text NOT NULL,
    code_verifier  text NOT NULL,
    back_to        text NOT NULL,
    expires_at     timestamptz NOT NULL
);
CREATE INDEX oidc_attempts_expiry ON oidc_attempts (expires_at);
