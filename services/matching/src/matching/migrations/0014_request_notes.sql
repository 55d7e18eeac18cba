-- A mentee's note to the mentor they ask (mentee-choice programs): for the two of them alone, never published, and
-- gone with the pairing (an erasure deletes the pairings of the person erased).
CREATE TABLE request_notes (
    pairing_id uuid PRIMARY KEY REFERENCES pairings (id) ON DELETE CASCADE,
    note       text NOT NULL
);
