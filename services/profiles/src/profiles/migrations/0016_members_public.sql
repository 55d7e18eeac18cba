-- Whether other teams may see who takes part in a program (profiles.program_defined v5): false for every program
-- defined before, whose enrollments, invitations and pairings then go to our own services alone, as private twins on
-- restricted topics. Changed only while nobody has enrolled in the program (`Program.update`).
ALTER TABLE programs ADD COLUMN members_public boolean NOT NULL DEFAULT false;
