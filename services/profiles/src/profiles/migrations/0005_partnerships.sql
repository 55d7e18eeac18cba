-- Who is paired with whom, as matching announces it on `matching.pairings`: the partner view shows a person to
-- their partner in an active pairing only. A pairing over stays recorded as such (ids only), so that nothing
-- arriving about it later makes it active again; a person's erasure forgets their rows.
CREATE TABLE partnerships (
    pairing_id  uuid PRIMARY KEY,
    mentee_id   uuid    NOT NULL,
    mentor_id   uuid    NOT NULL,
    active      boolean NOT NULL
);
CREATE INDEX partnerships_pair ON partnerships (mentee_id, mentor_id);
CREATE INDEX partnerships_mentor ON partnerships (mentor_id);
