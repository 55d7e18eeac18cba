-- Read model, built only from profiles' events.
CREATE TABLE programs (
    id               uuid PRIMARY KEY,
    chapter_id       uuid,
    pairing_mode     text    NOT NULL,
    both_must_accept boolean NOT NULL,
    pair_cap         int,
    minimum_score    int     NOT NULL,
    term_months      int     NOT NULL,
    cadence_max_days int     NOT NULL,
    format           text    NOT NULL,
    group_size       int,
    mentee_stages    text[]  NOT NULL,
    mentor_stages    text[]  NOT NULL
);

-- Matching's own configuration: a program without a row scores with the default weights.
CREATE TABLE program_weights (
    program_id        uuid PRIMARY KEY,
    specialty         int NOT NULL,
    support           int NOT NULL,
    stage             int NOT NULL,
    identity          int NOT NULL,
    language          int NOT NULL,
    logistics         int NOT NULL,
    near_peer_max_gap int NOT NULL
);

CREATE TABLE matching_profiles (
    person_id         uuid PRIMARY KEY,
    stage             text   NOT NULL,
    specialties       text[] NOT NULL,
    support_areas     text[] NOT NULL,
    languages         text[] NOT NULL,
    timezone          text   NOT NULL,
    region            text,
    modalities        text[] NOT NULL,
    identity          jsonb  NOT NULL DEFAULT '{}',  -- consented for matching only; forgotten on withdrawal
    identity_wishes   jsonb  NOT NULL DEFAULT '[]'
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
    enrolled_at           timestamptz NOT NULL,
    waiting_since         timestamptz NOT NULL,  -- reset when a pairing ends: back of the queue, not the front
    waitlist_announced    boolean NOT NULL DEFAULT false
);
CREATE INDEX enrollments_by_program ON enrollments (program_id, role) WHERE active;
CREATE INDEX enrollments_by_person ON enrollments (person_id);

CREATE TABLE rounds (
    id               uuid PRIMARY KEY,
    program_id       uuid   NOT NULL,
    method           text   NOT NULL,
    most_pairs_first boolean NOT NULL,
    status           text   NOT NULL DEFAULT 'queued',
    progress         int    NOT NULL DEFAULT 0,
    paired           int,
    unpaired         int,
    total_score      bigint,
    unpaired_reasons jsonb,
    error            text,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz
);
CREATE INDEX rounds_queued ON rounds (requested_at) WHERE status = 'queued';

CREATE TABLE pairings (
    id                    uuid PRIMARY KEY,
    program_id            uuid    NOT NULL,
    chapter_id            uuid,
    mentee_enrollment_id  uuid    NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
    mentor_enrollment_id  uuid    NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
    mentee_id             uuid    NOT NULL,
    mentor_id             uuid    NOT NULL,
    status                text    NOT NULL,
    origin                text    NOT NULL,
    round_id              uuid,
    score                 int     NOT NULL,
    reasons               text[]  NOT NULL,
    mentee_accepted       boolean NOT NULL DEFAULT false,
    mentor_accepted       boolean NOT NULL DEFAULT false,
    created_at            timestamptz NOT NULL DEFAULT now(),
    confirmed_at          timestamptz,
    term_ends_at          timestamptz,
    last_met_at           timestamptz,
    -- The start of the overdue period / the term end already signalled: a unique fact per period, so that
    -- several instances' jobs emit each reminder once.
    overdue_signalled_for timestamptz,
    renewal_signalled_for timestamptz,
    closed_reason         text,
    closed_at             timestamptz
);
-- A mentee enrollment holds at most one live pairing, whatever races the handlers.
CREATE UNIQUE INDEX one_live_pairing_per_mentee ON pairings (mentee_enrollment_id) WHERE status IN ('proposed', 'active');
CREATE INDEX pairings_by_mentor ON pairings (mentor_enrollment_id) WHERE status IN ('proposed', 'active');
CREATE INDEX pairings_by_program ON pairings (program_id, status);
CREATE INDEX pairings_by_person ON pairings (mentee_id);
CREATE INDEX pairings_by_mentor_person ON pairings (mentor_id);
CREATE INDEX pairings_active_by_cadence ON pairings (status) WHERE status = 'active';

CREATE TABLE meetings (
    id         bigserial PRIMARY KEY,
    pairing_id uuid    NOT NULL REFERENCES pairings (id) ON DELETE CASCADE,
    met_on     date    NOT NULL,
    minutes    int     NOT NULL,
    topics     text[]  NOT NULL,
    logged_by  uuid,
    logged_at  timestamptz NOT NULL DEFAULT now()
);

-- Free text stays here: never on a topic, never in a log.
CREATE TABLE feedback (
    pairing_id uuid NOT NULL REFERENCES pairings (id) ON DELETE CASCADE,
    person_id  uuid NOT NULL,
    rating     int  NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    text NOT NULL,
    given_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pairing_id, person_id)
);
