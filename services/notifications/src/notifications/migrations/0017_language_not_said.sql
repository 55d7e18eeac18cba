-- A person who has not said which language they read (profiles' contacts say null) is kept so: their messages are in
-- English all the same, but a page about them (the web app's unsubscribe page) goes by the browser's language.
-- Those read before keep 'en': restating contacts (`python -m profiles restate contacts`) tells them apart.
ALTER TABLE contacts ALTER COLUMN language DROP NOT NULL, ALTER COLUMN language DROP DEFAULT;
