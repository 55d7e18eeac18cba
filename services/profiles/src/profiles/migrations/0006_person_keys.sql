-- One data key per person: the personal fields of their events on the restricted topics are sealed under it
-- (crypto-shredding). Kept wrapped (AES-256-GCM under PROFILES_IDENTITY_KEY, the person's id as associated data).
-- Erasing the person deletes the row in the same transaction (the cascade), and every copy of their sealed events
-- on Kafka becomes unreadable.
CREATE TABLE person_keys (
    person_id   uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    key_id      uuid        NOT NULL UNIQUE,
    wrapped_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
