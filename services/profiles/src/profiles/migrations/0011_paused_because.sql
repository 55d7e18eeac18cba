-- Why a mentor's enrollment is paused when the mentor did not pause it: 'unanswered' (matching said they let proposals
-- or requests lapse unanswered in a row). NULL for a pause of their own, or none.
ALTER TABLE enrollments ADD COLUMN paused_because text;
