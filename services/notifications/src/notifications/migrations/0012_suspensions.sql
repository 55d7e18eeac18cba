-- Whether a person's account is suspended, as of the newest fact profiles published (a suspension or a
-- reinstatement read late changes nothing newer): while it is, nothing sent to them carries an event's join link.
CREATE TABLE suspensions (
    person_id uuid PRIMARY KEY,
    suspended boolean NOT NULL,
    as_of     timestamptz NOT NULL
);
