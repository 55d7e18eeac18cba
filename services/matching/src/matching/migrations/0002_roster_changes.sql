-- Every insert or update of an enrollment takes a new number from one sequence, and so do the enrollments of
-- a person whose matching profile arrives or changes; so (how many, the largest number) over a program's active
-- mentor enrollments changes whenever anything about those mentors does (a deletion lowers the count), and
-- instances may keep each program's scored mentor roster in memory while it holds. Handlers take the programs'
-- locks before writing a profile, as before any other write, so the enrollments touched here never deadlock.
CREATE SEQUENCE roster_changes;

ALTER TABLE enrollments ADD COLUMN changed bigint NOT NULL DEFAULT nextval('roster_changes');

CREATE FUNCTION stamp_roster_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed := nextval('roster_changes');
    RETURN NEW;
END;
$$;

-- Not for the columns only a mentee's waiting changes: those are written at every pairing.
CREATE TRIGGER enrollments_changed BEFORE UPDATE OF person_id, program_id, role, stage, capacity,
    mentee_stages_welcome, approved, active ON enrollments FOR EACH ROW EXECUTE FUNCTION stamp_roster_change();

CREATE FUNCTION stamp_profile_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE enrollments SET changed = nextval('roster_changes') WHERE person_id = NEW.person_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER matching_profiles_changed AFTER INSERT OR UPDATE ON matching_profiles
    FOR EACH ROW EXECUTE FUNCTION stamp_profile_change();

CREATE INDEX enrollments_mentors_by_program ON enrollments (program_id) INCLUDE (changed) WHERE active AND role = 'mentor';

-- Which database a stamp comes from: a process serving two deployments (tests do) never mistakes one's roster
-- for the other's.
CREATE TABLE roster_origin (origin text PRIMARY KEY);
INSERT INTO roster_origin VALUES (md5(random()::text || clock_timestamp()::text));
