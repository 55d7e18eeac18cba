-- A drafted pair a coordinator made by swapping mentors is theirs, like a pair made by hand: it was not checked
-- against what its mentee requires of a mentor (a refusal would tell the coordinator), so at publishing it is
-- proposed as made by hand, for its mentee alone to confirm.
ALTER TABLE round_pairs ADD COLUMN by_hand boolean NOT NULL DEFAULT false;
