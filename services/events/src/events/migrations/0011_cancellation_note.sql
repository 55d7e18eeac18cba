-- What the organisers said to those registered when they cancelled the event (null: nothing).
ALTER TABLE scheduled_events ADD COLUMN cancellation_note text;
