-- The console (issue 12). Staff roles: national administrators, and coordinators of chapters. A role is held by a
-- person of profiles; erasing the person removes their roles.
CREATE TABLE administrators (
    person_id   uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    granted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE coordinators (
    person_id   uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    chapter_id  uuid NOT NULL REFERENCES chapters (id),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, chapter_id)
);
-- A suspended account: while a row is here the person may not sign in and is proposed to nobody. The note a
-- coordinator gives is kept in the audit trail, not here.
CREATE TABLE suspensions (
    person_id     uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    suspended_at  timestamptz NOT NULL DEFAULT now()
);
-- A mentor who paused takes no new mentee in this enrollment until they resume.
ALTER TABLE enrollments ADD COLUMN paused boolean NOT NULL DEFAULT false;
-- An invitation to join a program in a role, once per person (so per email address), program and role: the same
-- file uploaded again invites nobody twice. Accepted once the person enrols there in that role (a query, not a
-- column: nothing to keep in step).
CREATE TABLE invitations (
    id          uuid PRIMARY KEY,
    person_id   uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    program_id  uuid NOT NULL REFERENCES programs (id),
    chapter_id  uuid,
    role        text NOT NULL,
    stage       text NOT NULL,
    invited_at  timestamptz NOT NULL,
    UNIQUE (person_id, program_id, role)
);
CREATE INDEX invitations_program ON invitations (program_id);
