-- Staff may have an email that failed or may not have arrived sent again: it becomes pending with fresh tries,
-- and keeps who asked and when, so that the delivery log can say so if it does not arrive this time either.
ALTER TABLE notifications ADD COLUMN sent_again_at timestamptz;
ALTER TABLE notifications ADD COLUMN sent_again_by uuid;
