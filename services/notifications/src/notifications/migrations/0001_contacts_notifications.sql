-- Contact read model, from the restricted profiles topic: erased at once with the person.
CREATE TABLE contacts (
    person_id            uuid PRIMARY KEY,
    chapter_id           uuid,
    display_name         text NOT NULL,
    email                text NOT NULL,
    timezone             text NOT NULL,
    pronouns_for_partner text,
    bio_for_partner      text
);

-- What events are about, from the public catalogue topic, to say so in a confirmation.
CREATE TABLE event_listings (
    scheduled_event_id uuid PRIMARY KEY,
    title              text        NOT NULL,
    starts_at          timestamptz NOT NULL,
    ends_at            timestamptz NOT NULL,
    timezone           text        NOT NULL,
    location           text,
    is_virtual         boolean     NOT NULL
);

-- One row per notification; its idempotency key comes from the event it answers, so a redelivered
-- or duplicated event finds the row already there.
CREATE TABLE notifications (
    id              uuid PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    person_id       uuid        NOT NULL,
    chapter_id      uuid,
    kind            text        NOT NULL,
    parameters      jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX notifications_pending ON notifications (created_at) WHERE status = 'pending';
