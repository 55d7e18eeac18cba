-- An enrollment whose person was reported for a problem of conduct (a pairing ended for `conduct` by its other side)
-- is held from any new pairing until staff review: a mentor not approved, a mentee paused. Held here, as the pairing
-- ends, whatever profiles said before it read the report (an enrollment_changed on its way may still say approved,
-- or not paused); until profiles says it has (an enrollment_changed naming `review_reason` among its changed fields),
-- or a coordinator approves the mentor again (mentor_approved).
ALTER TABLE enrollments ADD COLUMN held_for_review boolean NOT NULL DEFAULT false;
