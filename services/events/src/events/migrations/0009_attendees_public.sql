-- Whether other teams may see who registers for an event (its registrations on the public events.registrations
-- topic); else they go to notifications alone, on the restricted events.attendees topic. Kept private unless the
-- organiser chose otherwise, events made before this column included: attending some events says something about
-- someone that is theirs to tell.
ALTER TABLE scheduled_events ADD COLUMN attendees_public boolean NOT NULL DEFAULT false;
