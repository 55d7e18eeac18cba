-- The console: people suspended and mentors paused take no part in pairing (an enrollment is "active" only while it
-- is neither withdrawn, nor its person suspended, nor a paused mentor's), and rounds are drafts a coordinator
-- reviews before publishing.
ALTER TABLE enrollments ADD COLUMN withdrawn boolean NOT NULL DEFAULT false,
                        ADD COLUMN suspended boolean NOT NULL DEFAULT false,
                        ADD COLUMN paused    boolean NOT NULL DEFAULT false;
UPDATE enrollments SET withdrawn = NOT active;

CREATE FUNCTION enrollment_availability() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.active := NOT (NEW.withdrawn OR NEW.suspended OR NEW.paused);
    RETURN NEW;
END;
$$;

-- Named to fire before enrollments_changed (BEFORE triggers fire by name), so the stamp sees the new `active`.
CREATE TRIGGER enrollments_availability BEFORE INSERT OR UPDATE ON enrollments
    FOR EACH ROW EXECUTE FUNCTION enrollment_availability();

DROP TRIGGER enrollments_changed ON enrollments;
CREATE TRIGGER enrollments_changed BEFORE UPDATE OF person_id, program_id, role, stage, capacity,
    mentee_stages_welcome, approved, active, withdrawn, suspended, paused ON enrollments
    FOR EACH ROW EXECUTE FUNCTION stamp_roster_change();

-- Suspension is of a person: enrollments made while they are suspended start suspended.
CREATE TABLE suspended_people (person_id uuid PRIMARY KEY);

-- A round's draft: the pairs it proposes and the mentees it leaves unpaired, edited by a coordinator, then
-- published (only then are proposals made) or discarded.
ALTER TABLE rounds ADD COLUMN skipped jsonb,
                   ADD COLUMN published_at timestamptz;

CREATE TABLE round_pairs (
    round_id             uuid   NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    mentee_enrollment_id uuid   NOT NULL,
    mentor_enrollment_id uuid   NOT NULL,
    mentee_id            uuid   NOT NULL,
    mentor_id            uuid   NOT NULL,
    score                int    NOT NULL,
    reasons              text[] NOT NULL,
    PRIMARY KEY (round_id, mentee_enrollment_id)
);

CREATE TABLE round_unpaired (
    round_id             uuid NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    mentee_enrollment_id uuid NOT NULL,
    mentee_id            uuid NOT NULL,
    reason_code          text NOT NULL,
    PRIMARY KEY (round_id, mentee_enrollment_id)
);

-- Meetings per pairing and a program's pairings by status and age, for the console's lists and reports.
CREATE INDEX meetings_by_pairing ON meetings (pairing_id);
