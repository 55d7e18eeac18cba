-- Topics are ordered only within a partition, so an event's update or cancellation can be read before a
-- registration made earlier. The listing remembers its latest update and its cancellation (with the times
-- they happened) so a registration read late still tells its holder.
ALTER TABLE event_listings
    ADD COLUMN last_update_id   uuid,
    ADD COLUMN last_updated_at  timestamptz,
    ADD COLUMN changed_fields   text[],
    ADD COLUMN cancelled_at     timestamptz;

-- Waitlisting and pairing travel on two topics: keep the latest state with the time it held from, so a
-- "waitlisted" read after the later pairing is recognised as stale. A pairing leaves a row with waiting = false.
ALTER TABLE waitlisted_mentees
    ADD COLUMN waiting boolean     NOT NULL DEFAULT true,
    ADD COLUMN as_of   timestamptz NOT NULL DEFAULT '-infinity';
