-- Whether a program waits for both sides to accept a proposal (profiles.program_defined `both_must_accept`): where it
-- does not, a proposal starts on the mentee's acceptance alone, and its mentor is told so rather than asked to answer
-- by a moment. Null for programs defined before this column, until profiles defines them again: their messages say
-- what they said before.
ALTER TABLE programs ADD COLUMN both_must_accept boolean;
