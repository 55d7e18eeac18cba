-- Whether other teams may see who takes part in a program is fixed once anyone enrolled in it or was invited to it:
-- they did trusting it. Kept apart from their rows, which go when they are erased, while the trust they gave stays.
ALTER TABLE programs ADD COLUMN members_public_fixed boolean NOT NULL DEFAULT false;
UPDATE programs p SET members_public_fixed = true
 WHERE EXISTS (SELECT 1 FROM enrollments e WHERE e.program_id = p.id)
    OR EXISTS (SELECT 1 FROM invitations i WHERE i.program_id = p.id);
