-- Whether a program lets other teams see who takes part (profiles.program_defined v5 `members_public`). False for
-- every program defined before, as for one of an older version: its pairings and waitlist places go as their private
-- twins on matching.private-pairings.
ALTER TABLE programs ADD COLUMN members_public boolean NOT NULL DEFAULT false;
