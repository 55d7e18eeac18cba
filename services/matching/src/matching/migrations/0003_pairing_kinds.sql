-- The kind of pairing an enrollment seeks or offers (profiles' enrollment events v2); a mentee enrolled for
-- two kinds holds one pairing of each, and a mentor is paired only with mentees seeking what they offer.
ALTER TABLE enrollments ADD COLUMN pairing_kind text NOT NULL DEFAULT 'general';
