-- Who a coordinator invited (profiles.person_invited, or its private twin): their invitation is their welcome. Read
-- before their registration (it may travel on another topic), it leaves the welcome unmade; ids only, erased with
-- the person.
CREATE TABLE invited_people (
    person_id uuid PRIMARY KEY,
    invited_at timestamptz NOT NULL DEFAULT now()
);
