-- An organiser's messages to an event's registrants (the notifications they made carry the words, each to its
-- reader). The client names each by its id: asked again, it is the same message, and nothing is sent twice. Who
-- sent it is forgotten with their account (`forget_person`).
CREATE TABLE event_messages (
    message_id         uuid PRIMARY KEY,
    scheduled_event_id uuid NOT NULL,
    body               text NOT NULL,
    sent_to            text NOT NULL CHECK (sent_to IN ('seated', 'seated_and_waitlisted')),
    recipients         integer NOT NULL,
    sent_by            uuid,
    sent_at            timestamptz NOT NULL
);
CREATE INDEX event_messages_by_event ON event_messages (scheduled_event_id, sent_at DESC);
