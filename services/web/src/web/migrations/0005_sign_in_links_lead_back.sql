-- Where a sign-in link leads once used: the page the person was going to (a path on this site), kept with the link
-- because the email may be opened in another browser.
ALTER TABLE sign_in_links ADD COLUMN back_to text NOT NULL DEFAULT '/';
