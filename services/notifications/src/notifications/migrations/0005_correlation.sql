-- The correlation id of the action a notification answers, so that its delivery events carry it too.
ALTER TABLE notifications ADD COLUMN correlation_id text;
