-- The mentor the engine drafted for a mentee, kept once a coordinator swaps it (null: the pair is the engine's): a pair
-- swapped back to it is the engine's pair again, not one made by hand for the mentee to confirm.
ALTER TABLE round_pairs ADD COLUMN drafted_mentor_enrollment_id uuid;
