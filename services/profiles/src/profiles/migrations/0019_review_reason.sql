-- Why staff are to review an enrollment before its person is paired again, and since when: 'conduct_reported', the
-- other side of a pairing ended it for a problem of conduct (a mentor is back to awaiting approval until approved
-- again; a mentee is paused, `paused_because` 'conduct_reported', until a coordinator clears it). NULL when not under
-- review. No enrollment is under review before this: matching's endings for conduct so far held nobody.
ALTER TABLE enrollments ADD COLUMN review_reason text, ADD COLUMN review_since timestamptz;
