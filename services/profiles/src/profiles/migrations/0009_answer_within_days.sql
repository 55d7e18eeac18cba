-- How long a proposal or a mentee's request may wait for an answer in the program before it lapses (matching applies
-- it); NULL: the platform's default.
ALTER TABLE programs ADD COLUMN answer_within_days integer CHECK (answer_within_days BETWEEN 1 AND 365);
