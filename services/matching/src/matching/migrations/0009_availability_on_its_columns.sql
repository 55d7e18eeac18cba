-- `active` follows from withdrawn, suspended and paused alone, so the trigger that derives it fires only when one of
-- them (or `active` itself) is written. Before, it fired on every update of an enrollment, including each live
-- count a pairing changes: a call for each of some 50,000 enrollments (a mentee and a mentor per pair), 0.6 s, when
-- a 50,000-mentee round is published.
DROP TRIGGER enrollments_availability ON enrollments;
-- Named to fire before enrollments_changed (BEFORE triggers fire by name), so the stamp sees the new `active`.
CREATE TRIGGER enrollments_availability BEFORE INSERT OR UPDATE OF withdrawn, suspended, paused, active ON enrollments
    FOR EACH ROW EXECUTE FUNCTION enrollment_availability();
