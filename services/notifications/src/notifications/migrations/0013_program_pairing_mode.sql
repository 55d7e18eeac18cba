-- How a program forms pairs (profiles.program_defined `pairing_mode`): where mentees choose their mentor, a mentee
-- whose mentorship ended is told to ask another, not to wait for one. Null for programs defined before this column,
-- until profiles defines them again: their messages say what they said before.
ALTER TABLE programs ADD COLUMN pairing_mode text;
