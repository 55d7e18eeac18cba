-- The console's check-in (a phone at the door) and removal of a registrant by an organiser, with their reason.
-- Check-in is when a confirmed registrant arrived; completing the event records those checked in as attended and
-- the rest as no-shows (unless attendance was recorded for them already).
ALTER TABLE registrations
    ADD COLUMN checked_in_at  timestamptz,
    ADD COLUMN removal_reason text;
