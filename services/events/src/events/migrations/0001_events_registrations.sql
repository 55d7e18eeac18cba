-- Read model of participants, from profiles' public events: enough to enforce the audience rule.
CREATE TABLE participants (
    person_id  uuid PRIMARY KEY,
    chapter_id uuid,
    stage      text NOT NULL
);

CREATE TABLE scheduled_events (
    id                    uuid PRIMARY KEY,
    chapter_id            uuid,
    kind                  text        NOT NULL,
    title                 text        NOT NULL,
    description           text        NOT NULL DEFAULT '',
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL,
    timezone              text        NOT NULL,
    capacity              int         NOT NULL CHECK (capacity > 0),
    audience_stages       text[]      NOT NULL,
    registration_deadline timestamptz NOT NULL,
    is_virtual            boolean     NOT NULL,
    location              text,
    virtual_link          text,
    parent_event_id       uuid REFERENCES scheduled_events (id),
    -- Part of the career fair aggregate, read and written with it.
    exhibitors            jsonb       NOT NULL DEFAULT '[]',
    state                 text        NOT NULL
);
CREATE INDEX scheduled_events_by_start ON scheduled_events (starts_at);

CREATE TABLE registrations (
    id                  uuid PRIMARY KEY,
    scheduled_event_id  uuid        NOT NULL REFERENCES scheduled_events (id),
    person_id           uuid        NOT NULL,
    status              text        NOT NULL,
    attended            boolean,
    -- Rows of one event are inserted under its row lock, so this is their arrival order.
    arrival             bigserial   NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Registering twice is the same registration.
CREATE UNIQUE INDEX one_registration_per_person ON registrations (scheduled_event_id, person_id) WHERE status <> 'cancelled';
CREATE INDEX registrations_by_status ON registrations (scheduled_event_id, status, arrival);
CREATE INDEX registrations_by_person ON registrations (person_id);

-- A reminder is emitted once per registration: the primary key makes a second instance's attempt a no-op.
CREATE TABLE reminders_sent (
    registration_id uuid PRIMARY KEY,
    sent_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE office_hour_slots (
    id          uuid PRIMARY KEY,
    host_id     uuid        NOT NULL,
    chapter_id  uuid,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    is_virtual  boolean     NOT NULL,
    location    text,
    booked_by   uuid
);
CREATE INDEX office_hour_slots_by_host ON office_hour_slots (host_id, starts_at);
CREATE INDEX office_hour_slots_by_booker ON office_hour_slots (booked_by);

-- Calendar apps fetch a feed by URL alone, so the URL carries a secret; only its digest is stored.
CREATE TABLE calendar_feeds (
    person_id    uuid PRIMARY KEY,
    token_sha256 bytea NOT NULL UNIQUE
);
