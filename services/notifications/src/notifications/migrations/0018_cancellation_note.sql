-- What an event's organisers said to those registered when they cancelled it (events.event_cancelled v4), quoted in
-- the cancellation each registrant is sent; null when they said nothing, or the cancellation came in an older version.
ALTER TABLE event_listings ADD COLUMN cancellation_note text;
