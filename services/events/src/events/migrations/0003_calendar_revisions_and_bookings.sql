-- A published event's changes, its cancellation included: the SEQUENCE of its calendar entries everywhere.
ALTER TABLE scheduled_events ADD COLUMN revision int NOT NULL DEFAULT 0;

-- A cancelled registration remembers by whom, and whether it held a seat then: an event cancelled while someone held
-- a seat stays in their calendar feed, as cancelled.
ALTER TABLE registrations
    ADD COLUMN cancelled_by text,
    ADD COLUMN held_seat    boolean NOT NULL DEFAULT false;

-- Each booking of a slot has its own id: the UID of its calendar entry, in emails and in feeds.
ALTER TABLE office_hour_slots ADD COLUMN booking_id uuid;
-- Slots booked before bookings had ids get one now.
UPDATE office_hour_slots SET booking_id = gen_random_uuid() WHERE booked_by IS NOT NULL;
