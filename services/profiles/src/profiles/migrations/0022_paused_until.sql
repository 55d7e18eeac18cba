-- Until when a person paused their own enrollment (`paused_until`, UTC): a background job resumes it then, as their
-- resuming it would. NULL: until they resume, or not a pause of their own (`paused_because` set, or under review);
-- resuming, or a pause or review of the platform's, clears it. No pause had an end before this.
ALTER TABLE enrollments ADD COLUMN paused_until timestamptz;
-- What the job looks for every few minutes: the pauses with an end, few among the enrollments.
CREATE INDEX enrollments_paused_until ON enrollments (paused_until, id) WHERE paused_until IS NOT NULL;
