-- Those who let a proposal or request lapse unanswered, by program: the console's home counts those held back in
-- every program of a coordinator's chapters at once, which read every enrollment without it (60 ms at 300,000).
CREATE INDEX enrollments_not_answering ON enrollments (program_id) WHERE unanswered_in_a_row > 0 AND NOT withdrawn;
