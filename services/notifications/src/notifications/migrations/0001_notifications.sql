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

-- Ids of erased people (an id alone says nothing about anyone): their contact details may still be on their
-- way on another topic, and must not bring them back, nor may anything else be recorded for them.
CREATE TABLE erased_people (
    person_id uuid PRIMARY KEY
);

-- Names to sign messages with, from the public profiles topics.
CREATE TABLE chapters (
    chapter_id uuid PRIMARY KEY,
    name       text NOT NULL
);
CREATE TABLE programs (
    program_id uuid PRIMARY KEY,
    chapter_id uuid,
    name       text NOT NULL
);

-- What events are about, from the public catalogue topic, to say so in a confirmation and its .ics.
CREATE TABLE event_listings (
    scheduled_event_id uuid PRIMARY KEY,
    chapter_id         uuid,
    title              text        NOT NULL,
    starts_at          timestamptz NOT NULL,
    ends_at            timestamptz NOT NULL,
    timezone           text        NOT NULL,
    location           text,
    is_virtual         boolean     NOT NULL
);

-- Who holds a place (or waits for one) at which event, so an update or a cancellation reaches them all.
CREATE TABLE registrations (
    registration_id    uuid PRIMARY KEY,
    scheduled_event_id uuid NOT NULL,
    person_id          uuid NOT NULL,
    status             text NOT NULL
);
CREATE INDEX registrations_by_event ON registrations (scheduled_event_id);

-- Join links of virtual events, from the restricted access topic; only ever put in the registrant's own email.
CREATE TABLE access_links (
    registration_id    uuid PRIMARY KEY,
    scheduled_event_id uuid NOT NULL,
    person_id          uuid NOT NULL,
    join_url           text NOT NULL
);

-- Mentees waiting for a mentor, so that their pairing can say "you are off the waitlist".
CREATE TABLE waitlisted_mentees (
    mentee_id  uuid NOT NULL,
    program_id uuid NOT NULL,
    PRIMARY KEY (mentee_id, program_id)
);

-- Per person: categories opted out of by email, and whether non-urgent kinds wait for the daily digest.
CREATE TABLE preferences (
    person_id    uuid PRIMARY KEY,
    opted_out    text[]  NOT NULL DEFAULT '{}',
    daily_digest boolean NOT NULL DEFAULT false
);

-- One row per notification, which is also the person's in-app inbox item. Its idempotency key comes from
-- the event it answers, so a redelivered or duplicated event finds the row already there.
-- status: pending -> sending -> sent | pending (retry at next_attempt_at) | failed;
--         sending whose lease ran out -> unconfirmed (the process died while the SMTP server had it; never resent);
--         pending -> in_app (category opted out) | digest_pending -> digested; pending -> cancelled (erasure).
CREATE TABLE notifications (
    id              uuid PRIMARY KEY,
    idempotency_key text        NOT NULL UNIQUE,
    person_id       uuid        NOT NULL,
    chapter_id      uuid,
    kind            text        NOT NULL,
    parameters      jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',
    subject         text,
    message_id      text,
    attempts        int         NOT NULL DEFAULT 0,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    sent_at         timestamptz,
    read_at         timestamptz,
    digest_id       uuid
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notifications_sending ON notifications (lease_until) WHERE status = 'sending';
CREATE INDEX notifications_digest ON notifications (person_id) WHERE status = 'digest_pending';
CREATE INDEX notifications_by_person ON notifications (person_id, created_at);
CREATE INDEX notifications_by_chapter ON notifications (chapter_id, created_at);
