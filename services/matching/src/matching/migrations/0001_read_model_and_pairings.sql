-- Read model, built only from profiles' events.
CREATE TABLE programs (
    id              uuid PRIMARY KEY,
    chapter_id      uuid,
    pairing_mode    text    NOT NULL,
    both_must_accept boolean NOT NULL,
    pair_cap        int,
    minimum_score   int     NOT NULL,
    term_months     int     NOT NULL,
    mentee_stages   text[]  NOT NULL,
    mentor_stages   text[]  NOT NULL
);

CREATE TABLE matching_profiles (
    person_id     uuid PRIMARY KEY,
    stage         text   NOT NULL,
    specialties   text[] NOT NULL,
    support_areas text[] NOT NULL,
    languages     text[] NOT NULL,
    timezone      text   NOT NULL,
    modalities    text[] NOT NULL
);

CREATE TABLE enrollments (
    id                    uuid PRIMARY KEY,
    person_id             uuid    NOT NULL,
    program_id            uuid    NOT NULL,
    chapter_id            uuid,
    role                  text    NOT NULL,
    stage                 text    NOT NULL,
    capacity              int     NOT NULL,
    mentee_stages_welcome text[]  NOT NULL,
    approved              boolean NOT NULL,
    active                boolean NOT NULL DEFAULT true,
    enrolled_at           timestamptz NOT NULL
);
CREATE INDEX enrollments_by_program ON enrollments (program_id, role) WHERE active;

CREATE TABLE pairings (
    id                    uuid PRIMARY KEY,
    program_id            uuid    NOT NULL,
    mentee_enrollment_id  uuid    NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
    mentor_enrollment_id  uuid    NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
    mentee_id             uuid    NOT NULL,
    mentor_id             uuid    NOT NULL,
    status                text    NOT NULL,
    score                 int     NOT NULL,
    reasons               text[]  NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now()
);
-- A mentee enrollment holds at most one live pairing, whatever races the handlers.
CREATE UNIQUE INDEX one_live_pairing_per_mentee ON pairings (mentee_enrollment_id) WHERE status IN ('proposed', 'active');
