-- How many proposals or requests in a row a mentor enrollment let lapse unanswered: at two, nobody new is proposed
-- to them (paused) until they resume, which starts the count again, as answering one does.
ALTER TABLE enrollments ADD COLUMN unanswered_in_a_row integer NOT NULL DEFAULT 0;
