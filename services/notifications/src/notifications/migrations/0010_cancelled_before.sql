-- A registrant who cancels and registers again keeps the event's calendar entry (one UID per event): the new
-- registration's copies must outrank the cancellation sent for the one before. Each registration keeps how many of
-- the person's registrations for the event were cancelled before it was made; its copies' SEQUENCE counts two for
-- each (the REQUESTs of that registration, then its CANCEL one past them). Rows from before count none, as then.
ALTER TABLE registrations ADD COLUMN cancelled_before int NOT NULL DEFAULT 0;
