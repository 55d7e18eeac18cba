-- The language a person reads messages in (profiles' contacts, version 3 on); English until profiles says.
ALTER TABLE contacts ADD COLUMN language text NOT NULL DEFAULT 'en';

-- How often a program suggests its pairs meet, to say so in the nudge (profiles' public programs topic).
ALTER TABLE programs
    ADD COLUMN cadence_min_days int NOT NULL DEFAULT 30,
    ADD COLUMN cadence_max_days int NOT NULL DEFAULT 60;

-- The SEQUENCE of an event's calendar entries: its changes since publication, its cancellation included.
ALTER TABLE event_listings ADD COLUMN revision int NOT NULL DEFAULT 0;

-- Office-hour bookings (the public events.office-hours topic), to confirm, remind and cancel them.
CREATE TABLE office_hour_bookings (
    booking_id   uuid PRIMARY KEY,
    slot_id      uuid        NOT NULL,
    host_id      uuid        NOT NULL,
    person_id    uuid        NOT NULL,
    chapter_id   uuid,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    is_virtual   boolean     NOT NULL,
    location     text,
    cancelled_at timestamptz
);
CREATE INDEX office_hour_bookings_by_host ON office_hour_bookings (host_id);
CREATE INDEX office_hour_bookings_by_person ON office_hour_bookings (person_id);
