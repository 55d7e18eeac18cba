-- A program's own time to answer a proposal or a request (profiles.program_defined v4); NULL: the service's default
-- (MATCHING_ANSWER_WITHIN_DAYS).
ALTER TABLE programs ADD COLUMN answer_within_days integer;
