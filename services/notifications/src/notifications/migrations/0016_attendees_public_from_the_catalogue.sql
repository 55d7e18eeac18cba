-- Whether an event's attendees are public, as the catalogue says it (event_published v3, event_updated v4); null
-- until it has, when it is still inferred from a registration read on the public topic (`public_attendees`), which
-- every registration was before 2026-12-04: what the catalogue says wins.
ALTER TABLE event_listings ADD COLUMN attendees_public_said boolean;
