-- A conference's sessions are read whenever it is moved or cancelled (and listed by it): found by their conference.
CREATE INDEX scheduled_events_by_parent ON scheduled_events (parent_event_id) WHERE parent_event_id IS NOT NULL;
