-- A mentee enrolled for several kinds of pairing waits, and is paired, once per kind: "you are off the
-- waitlist" belongs to the kind they waited for, not to a pairing of another kind. Rows from before the
-- kind travelled on the events are `general`, as version 1 of those events means.
ALTER TABLE waitlisted_mentees ADD COLUMN pairing_kind text NOT NULL DEFAULT 'general';
ALTER TABLE waitlisted_mentees DROP CONSTRAINT waitlisted_mentees_pkey;
ALTER TABLE waitlisted_mentees ADD PRIMARY KEY (mentee_id, program_id, pairing_kind);
