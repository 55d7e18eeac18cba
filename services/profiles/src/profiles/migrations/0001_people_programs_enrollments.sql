CREATE TABLE chapters (
    id        uuid PRIMARY KEY,
    name      text NOT NULL,
    timezone  text NOT NULL
);

CREATE TABLE programs (
    id                        uuid PRIMARY KEY,
    name                      text    NOT NULL,
    chapter_id                uuid REFERENCES chapters (id),  -- NULL: a national program
    mentee_stages             text[]  NOT NULL,
    mentor_stages             text[]  NOT NULL,
    term_months               int     NOT NULL,
    cadence_min_days          int     NOT NULL,
    cadence_max_days          int     NOT NULL,
    format                    text    NOT NULL,
    group_size                int,
    pairing_mode              text    NOT NULL,
    both_must_accept          boolean NOT NULL,
    pair_cap                  int,
    mentor_approval_required  boolean NOT NULL,
    minimum_score             int     NOT NULL
);

CREATE TABLE people (
    id                  uuid PRIMARY KEY,
    display_name        text    NOT NULL,
    email               text    NOT NULL,
    stage               text    NOT NULL,
    chapter_id          uuid REFERENCES chapters (id),
    pronouns            text,
    pronouns_visibility text    NOT NULL,
    timezone            text    NOT NULL,
    is_alumni           boolean NOT NULL,
    specialties         text[]  NOT NULL,
    support_areas       text[]  NOT NULL,
    languages           text[]  NOT NULL,
    modalities          text[]  NOT NULL,
    region              text,
    bio                 text,
    -- Identity attributes, their consents and requests, AES-GCM sealed by the service (adapters/sealing.py):
    -- the database never sees them in the clear.
    identity_sealed     bytea
);
CREATE UNIQUE INDEX people_email ON people (lower(email));
CREATE INDEX people_chapter ON people (chapter_id);

CREATE TABLE enrollments (
    id                       uuid PRIMARY KEY,
    person_id                uuid    NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    program_id               uuid    NOT NULL REFERENCES programs (id),
    chapter_id               uuid,
    role                     text    NOT NULL,
    capacity                 int     NOT NULL,
    mentee_stages_welcome    text[]  NOT NULL,
    goals                    text,
    preferred_mentor_stages  text[]  NOT NULL,
    approval                 text    NOT NULL,
    active                   boolean NOT NULL DEFAULT true
);
-- The last line of defence against a double enrollment, whatever races the handlers.
CREATE UNIQUE INDEX enrollments_one_active_per_role ON enrollments (person_id, program_id, role) WHERE active;
CREATE INDEX enrollments_person ON enrollments (person_id);
