-- The mentor the engine drafted for a mentee whose pair a coordinator removed from the draft: a pair put back with
-- that mentor is the engine's pair again, not one made by hand for the mentee to confirm.
ALTER TABLE round_unpaired ADD COLUMN drafted_mentor_enrollment_id uuid;
