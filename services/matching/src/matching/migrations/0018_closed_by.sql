-- Which side declined or ended a pairing ('mentee', 'mentor'), or 'program' (a coordinator, or the program on
-- someone's behalf); NULL when it lapsed or was completed, or closed before this was kept.
ALTER TABLE pairings ADD COLUMN closed_by text;
