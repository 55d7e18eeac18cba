-- A mentee whose mentorship ran its course (ended because its goals were met, or completed at the end of its term)
-- rests: paused, on no waitlist and proposed to nobody, until they ask for another mentor. Rested here, as the pairing
-- closes, whatever profiles said before it read the ending (an enrollment_changed on its way may still say not
-- paused); until profiles says it has (an enrollment_changed naming `paused_because` among its changed fields, or
-- `review_reason`: then staff's review decides). From then on profiles' word on `paused` is the enrollment's: the
-- mentee resuming there waits again.
ALTER TABLE enrollments ADD COLUMN resting_after_mentorship boolean NOT NULL DEFAULT false;
