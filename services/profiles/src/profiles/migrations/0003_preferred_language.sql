-- The language a person prefers to be written to in (en, es); NULL: they have not said.
ALTER TABLE people ADD COLUMN preferred_language text;
