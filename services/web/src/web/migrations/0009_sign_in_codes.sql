-- A sign-in link's email also carries a code, typed in the browser that asked for the link (read on a phone, typed on
-- a hospital's workstation): that browser (the digest of its secret cookie), the code's digest with that cookie, and
-- the wrong codes typed so far. Links asked for before carry no code.
ALTER TABLE sign_in_links ADD COLUMN asked_by text, ADD COLUMN code_digest text,
    ADD COLUMN code_tries integer NOT NULL DEFAULT 0;
CREATE INDEX sign_in_links_asked_by ON sign_in_links (asked_by, expires_at DESC) WHERE asked_by IS NOT NULL;
