-- A session knows its person's staff roles (profiles' lookup at sign-in), and when profiles said they changed.
ALTER TABLE sessions
    ADD COLUMN administrator  boolean NOT NULL DEFAULT false,
    ADD COLUMN coordinator_of uuid[]  NOT NULL DEFAULT '{}',
    ADD COLUMN roles_stale    boolean NOT NULL DEFAULT false;
