-- Pairing reads, at every batch of registrations, each mentor's live pairings and who waits, and numbers the
-- waitlist. Aggregated over the program's pairings each time, that cost grew with the program (2 ms and 17-20 ms a
-- batch at 4,000 pairings and 2,000 waiting). Each enrollment now carries its count of live pairings and whether its
-- person's matching profile has arrived, kept by the statements that change them:
-- * `live_pairings` by a statement-level trigger on pairings, as an increment of the row (exact when two
--   transactions change one mentor's pairings: the second adds to what the first committed);
-- * `profiled` by the profile's own trigger (written under the person's lock, as enrollments are).
-- Both are left out of `enrollments_changed`'s columns: they change at every pairing and say nothing of a mentor's
-- roster entry (the live counts are read at every batch).
ALTER TABLE enrollments ADD COLUMN live_pairings integer NOT NULL DEFAULT 0,
                        ADD COLUMN profiled boolean NOT NULL DEFAULT false;

UPDATE enrollments e
   SET live_pairings = (SELECT count(*) FROM pairings x
                         WHERE (x.mentee_enrollment_id = e.id OR x.mentor_enrollment_id = e.id)
                           AND x.status IN ('proposed', 'active')),
       profiled = EXISTS (SELECT 1 FROM matching_profiles p WHERE p.person_id = e.person_id);

CREATE FUNCTION count_live_pairings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each statement's net change per enrollment, both sides of every pairing it inserted, updated or deleted.
    IF TG_OP = 'INSERT' THEN
        UPDATE enrollments e SET live_pairings = e.live_pairings + c.n
          FROM (SELECT s.enrollment_id, count(*) AS n
                  FROM new_pairings x, LATERAL (VALUES (x.mentee_enrollment_id), (x.mentor_enrollment_id)) s(enrollment_id)
                 WHERE x.status IN ('proposed', 'active') GROUP BY 1) c
         WHERE e.id = c.enrollment_id;
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE enrollments e SET live_pairings = e.live_pairings + c.n
          FROM (SELECT enrollment_id, sum(d) AS n FROM (
                    SELECT s.enrollment_id, 1 AS d
                      FROM new_pairings x, LATERAL (VALUES (x.mentee_enrollment_id), (x.mentor_enrollment_id)) s(enrollment_id)
                     WHERE x.status IN ('proposed', 'active')
                    UNION ALL
                    SELECT s.enrollment_id, -1
                      FROM old_pairings x, LATERAL (VALUES (x.mentee_enrollment_id), (x.mentor_enrollment_id)) s(enrollment_id)
                     WHERE x.status IN ('proposed', 'active')) changes
                 GROUP BY 1 HAVING sum(d) <> 0) c
         WHERE e.id = c.enrollment_id;
    ELSE
        UPDATE enrollments e SET live_pairings = e.live_pairings - c.n
          FROM (SELECT s.enrollment_id, count(*) AS n
                  FROM old_pairings x, LATERAL (VALUES (x.mentee_enrollment_id), (x.mentor_enrollment_id)) s(enrollment_id)
                 WHERE x.status IN ('proposed', 'active') GROUP BY 1) c
         WHERE e.id = c.enrollment_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER pairings_counted_on_insert AFTER INSERT ON pairings REFERENCING NEW TABLE AS new_pairings
    FOR EACH STATEMENT EXECUTE FUNCTION count_live_pairings();
CREATE TRIGGER pairings_counted_on_update AFTER UPDATE ON pairings
    REFERENCING OLD TABLE AS old_pairings NEW TABLE AS new_pairings
    FOR EACH STATEMENT EXECUTE FUNCTION count_live_pairings();
CREATE TRIGGER pairings_counted_on_delete AFTER DELETE ON pairings REFERENCING OLD TABLE AS old_pairings
    FOR EACH STATEMENT EXECUTE FUNCTION count_live_pairings();

-- A profile arriving (or changing) marks its person's enrollments profiled, with the roster stamp as before.
CREATE OR REPLACE FUNCTION stamp_profile_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE enrollments SET changed = nextval('roster_changes'), profiled = true WHERE person_id = NEW.person_id;
    RETURN NULL;
END;
$$;

CREATE FUNCTION unmark_profiled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE enrollments SET changed = nextval('roster_changes'), profiled = false WHERE person_id = OLD.person_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER matching_profiles_deleted AFTER DELETE ON matching_profiles
    FOR EACH ROW EXECUTE FUNCTION unmark_profiled();

CREATE FUNCTION mark_profiled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.profiled := EXISTS (SELECT 1 FROM matching_profiles p WHERE p.person_id = NEW.person_id);
    RETURN NEW;
END;
$$;

CREATE TRIGGER enrollments_profiled BEFORE INSERT OR UPDATE OF person_id ON enrollments
    FOR EACH ROW EXECUTE FUNCTION mark_profiled();

-- The waitlist in its order, per program and kind of pairing: a place is counted from here, not from the program's
-- enrollments and pairings.
CREATE INDEX enrollments_waiting ON enrollments (program_id, pairing_kind, waiting_since, id)
    WHERE role = 'mentee' AND active AND profiled AND live_pairings = 0;
-- The mentors holding live pairings, for the room each has left.
CREATE INDEX enrollments_mentors_holding ON enrollments (program_id) INCLUDE (live_pairings)
    WHERE role = 'mentor' AND live_pairings > 0;
