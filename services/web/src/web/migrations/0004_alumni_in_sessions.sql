-- A session knows whether its person is an alum (profiles says so at sign-in and at each change): alumni who
-- volunteer may offer office hours, and the home page leads them there.
ALTER TABLE sessions ADD COLUMN is_alumni boolean NOT NULL DEFAULT false;
