-- When a message reached the inbox: when it was written (at its email's claim, or for the inbox alone), not when it
-- was recorded. A reminder recorded at a booking a week before had sat under that day, below newer messages.
ALTER TABLE notifications ADD COLUMN shown_at timestamptz;
