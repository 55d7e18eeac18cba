-- How many times the host of an online office hour changed its link to join since it was booked
-- (events.office_hours_link_given `replaces_earlier`): each change sends the booking's calendar entry again, one SEQUENCE
-- above the last (the booking's own copy, and the web app's download, are at 0), and its cancellation one above them all.
ALTER TABLE office_hour_bookings ADD COLUMN links_replaced integer NOT NULL DEFAULT 0;
