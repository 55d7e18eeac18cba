-- A mentorship is renewed by both of its people, each asking in the notice window before the term ends: each
-- side's wish for the current term, cleared when the term is renewed.
ALTER TABLE pairings ADD COLUMN mentee_renews boolean NOT NULL DEFAULT false,
                     ADD COLUMN mentor_renews boolean NOT NULL DEFAULT false;
