-- A mentee who steps off the waitlist (paused, suspended, withdrawn) is told their place again once back on it:
-- nothing else says they are back, to them or to a team counting the waitlist from its events.
CREATE OR REPLACE FUNCTION enrollment_availability() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.active := NOT (NEW.withdrawn OR NEW.suspended OR NEW.paused);
    IF NOT NEW.active THEN
        NEW.waitlist_announced := false;
    END IF;
    RETURN NEW;
END;
$$;
