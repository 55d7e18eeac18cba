-- Whether a program's mentees include high-school students, most of them minors (profiles.program_defined
-- `mentee_stages` holds `high_school`): a pair starting in it is told how to keep the mentorship safe, the mentee to
-- talk to an adult she trusts, the mentor to meet in the open. Null for programs defined before this column, until
-- profiles defines them again: their messages say what they said before.
ALTER TABLE programs ADD COLUMN mentees_include_minors boolean;
