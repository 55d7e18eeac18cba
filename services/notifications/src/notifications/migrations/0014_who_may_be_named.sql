-- A subject shows on a lock screen and in notification previews: it names a program only where its members are
-- public, and an event only where its attendees are (messages.py). Whether a program's members are public, as its
-- latest profiles.program_defined says (version 5; false before it, and for every program kept before this column,
-- until profiles defines it again: the safe side).
ALTER TABLE programs ADD COLUMN members_public boolean NOT NULL DEFAULT false;
-- Events whose attendees are public: a registration of theirs came on the public topic (events.registrations). One of
-- an event kept private comes on the restricted topic alone, as a private twin; an event not here counts as private.
-- Kept apart from event_listings: a registration may be read before its event.
CREATE TABLE public_attendees (
    scheduled_event_id uuid PRIMARY KEY
);
