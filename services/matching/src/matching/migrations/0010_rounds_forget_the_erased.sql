-- An erased person is forgotten by the rounds too (their drafted pairs, their place among the unpaired): these
-- find their rows without reading every round's.
CREATE INDEX round_pairs_by_mentee ON round_pairs (mentee_id);
CREATE INDEX round_pairs_by_mentor ON round_pairs (mentor_id);
CREATE INDEX round_unpaired_by_mentee ON round_unpaired (mentee_id);
