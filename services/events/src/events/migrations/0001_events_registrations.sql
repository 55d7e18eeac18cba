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
    starts_at             timestamptz NOT NULL,
    ends_at               timestamptz NOT NULL,
    timezone              text        NOT NULL,
    capacity              int         NOT NULL CHECK (capacity > 0),
    audience_stages       text[]      NOT NULL,
    registration_deadline timestamptz NOT NULL,
    is_virtual            boolean     NOT NULL,
    location              text,
    virtual_link          text,
    state                 text        NOT NULL
);

CREATE TABLE registrations (
    id                  uuid PRIMARY KEY,
    scheduled_event_id  uuid        NOT NULL REFERENCES scheduled_events (id),
    person_id           uuid        NOT NULL,
    status              text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- Registering twice is the same registration.
CREATE UNIQUE INDEX one_registration_per_person ON registrations (scheduled_event_id, person_id) WHERE status <> 'cancelled';
