-- How many proposals or requests in a row an enrollment's person let lapse unanswered: at two, a mentor is proposed
-- nobody new, a mentee no mentor (paused), until they resume, which starts the count again, as answering one does.
ALTER TABLE enrollments ADD COLUMN unanswered_in_a_row integer NOT NULL DEFAULT 0;
