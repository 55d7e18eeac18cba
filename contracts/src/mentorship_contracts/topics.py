"""The topic catalogue: every topic, who owns it, what it is keyed by, how long it keeps, who may read it."""

from dataclasses import dataclass, field
from enum import StrEnum

from . import events, matching, notifications, profiles
from .envelope import CONTENT_TYPE, IntegrationEvent, message_headers, registered_events


class Classification(StrEnum):
    PUBLIC = "public"  # any team may subscribe: ids, program, chapter, stage; no contact or identity data
    INTERNAL = "internal"  # our services only
    RESTRICTED = "restricted"  # contact data or consented identity data: named consumers only


DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class Topic:
    name: str
    owner: str
    key: str
    classification: Classification
    description: str
    partitions: int = 3
    retention_ms: int = 30 * DAY_MS
    compacted: bool = False
    # Restricted and internal topics: the only services that may read them, and every one of them does
    # (tests/test_topic_consumers.py holds the services' consumers to it).
    consumers: tuple[str, ...] = field(default=())

    @property
    def events(self) -> list[type[IntegrationEvent]]:
        return [model for model in registered_events() if model.topic == self.name]

    @property
    def key_schema(self) -> dict:
        """JSON Schema of the Kafka key of the topic's messages."""
        return {
            "type": "string",
            "format": "uuid",
            "description": f"The event's {self.key}, as UTF-8 text: events with the same key are read in the order "
                           "they were published",
        }

    @property
    def headers_schema(self) -> dict:
        """JSON Schema of the Kafka headers of the topic's messages (`message_headers`), values as UTF-8 text."""
        event_types = sorted({model.model_fields["event_type"].default for model in self.events})
        return {
            "type": "object",
            "description": "Other headers may appear (FastStream adds a correlation_id of its own) and are not part "
                           "of the contract: the action's correlation id is the value's correlation_id",
            "properties": {
                "event_id": {"type": "string", "format": "uuid",
                             "description": "The value's event_id: deduplicate by it without parsing the value"},
                "event_type": {"type": "string", "enum": event_types,
                               "description": "The value's event_type: route by it without parsing the value"},
                "content-type": {"type": "string", "const": CONTENT_TYPE, "description": "How the value is encoded"},
            },
            "required": list(message_headers("", "")),
        }

    @property
    def config(self) -> dict[str, str]:
        """Kafka topic configuration as created by the operator or the local runner."""
        return {
            "cleanup.policy": "compact" if self.compacted else "delete",
            "retention.ms": str(self.retention_ms),
        }


CATALOGUE: tuple[Topic, ...] = (
    Topic(profiles.CHAPTERS, "profiles", "chapter_id", Classification.PUBLIC,
          "Chapters: a school or a region, with its name and time zone", retention_ms=-1),
    Topic(profiles.PROGRAMS, "profiles", "program_id", Classification.PUBLIC,
          "Program definitions: eligibility, term, cadence, format and how pairs form", retention_ms=-1),
    # The web app is named: it owns no topic, and reading this one (to sign erased people out) is what makes it a
    # principal of the platform's Kafka (plumbing.kafka_access.platform_services).
    Topic(profiles.PEOPLE, "profiles", "person_id", Classification.PUBLIC,
          "People registered, updated, suspended, reinstated, erased and restated (ids, chapter and training stage "
          "only); staff roles changed; invitations to programs whose members are public", consumers=("web",)),
    Topic(profiles.ENROLLMENTS, "profiles", "enrollment_id", Classification.PUBLIC,
          "Enrollments as mentee or mentor (created, changed, withdrawn, restated), and mentors approved or "
          "suspended, in programs whose members are public (program_defined v5 members_public)"),
    Topic(profiles.PRIVATE_ENROLLMENTS, "profiles", "enrollment_id", Classification.RESTRICTED,
          "Enrollments in programs that keep who takes part from other teams: created, changed, withdrawn, restated, "
          "mentors approved or suspended (each the twin of its profiles.enrollments event)",
          consumers=("events", "matching", "notifications"), retention_ms=7 * DAY_MS),
    Topic(profiles.CONTACTS, "profiles", "person_id", Classification.RESTRICTED,
          "Names, email and what a person shares with a partner, changed or restated; email changes to confirm; "
          "invitations to programs that keep who takes part from other teams; staff asked to look into a report of "
          "conduct or a mentor awaiting approval", consumers=("notifications",),
          retention_ms=7 * DAY_MS),
    Topic(profiles.MATCHING_PROFILES, "profiles", "person_id", Classification.RESTRICTED,
          "Matching attributes, including identity data consented for matching, changed or restated, and consent "
          "changes",
          consumers=("matching",),
          retention_ms=7 * DAY_MS),
    Topic(matching.PAIRINGS, "matching", "program_id", Classification.PUBLIC,
          "The mentorship lifecycle in programs whose members are public: proposed, confirmed, declined, lapsed, "
          "ended, renewed, completed; renewal due, answer due, meeting overdue; people who stopped answering"),
    Topic(matching.WAITLIST, "matching", "program_id", Classification.PUBLIC,
          "Mentees waiting for a mentor, with their position, in programs whose members are public"),
    Topic(matching.PRIVATE_PAIRINGS, "matching", "program_id", Classification.RESTRICTED,
          "Pairings, waitlist places and rounds in programs that keep who takes part from other teams (each the twin "
          "of its matching.pairings, matching.waitlist or matching.rounds event)",
          consumers=("notifications", "profiles"), retention_ms=7 * DAY_MS),
    Topic(matching.ROUNDS, "matching", "program_id", Classification.PUBLIC,
          "Matching rounds run by coordinators, in programs whose members are public: how many were paired and how "
          "many were not"),
    Topic(events.CATALOGUE, "events", "scheduled_event_id", Classification.PUBLIC,
          "Career fairs, sessions, office hours and the conference: published, updated, cancelled, completed, "
          "restated"),
    Topic(events.REGISTRATIONS, "events", "scheduled_event_id", Classification.PUBLIC,
          "Registrations confirmed, waitlisted, promoted, cancelled and restated, attendance, and waitlists closed, "
          "of events whose organizers let other teams see who registers (attendees_public)"),
    Topic(events.ACCESS, "events", "scheduled_event_id", Classification.RESTRICTED,
          "Join links of virtual events, for confirmed registrants only; an organiser's reason for removing a "
          "registrant, for that registrant only, sealed under their data key", consumers=("notifications",),
          retention_ms=7 * DAY_MS),
    Topic(events.ATTENDEES, "events", "scheduled_event_id", Classification.RESTRICTED,
          "Registrations of events whose organiser keeps who registers from other teams: confirmed, waitlisted, "
          "promoted, cancelled, restated, waitlist closed (each the twin of its events.registrations event)",
          consumers=("notifications",), retention_ms=7 * DAY_MS),
    # Restricted since 2026-12: who books whose office hour, and where they meet, is theirs (a slot on applying as
    # an LGBTQ+ student says something about who books it).
    Topic(events.OFFICE_HOURS, "events", "slot_id", Classification.RESTRICTED,
          "Office-hour slots booked, cancelled and restated, and their links given", consumers=("notifications",),
          retention_ms=7 * DAY_MS),
    Topic(events.REMINDERS, "events", "scheduled_event_id", Classification.INTERNAL,
          "Reminders due 24 hours before an event, one per registrant", consumers=("notifications",),
          retention_ms=7 * DAY_MS),
    Topic(notifications.DELIVERIES, "notifications", "notification_id", Classification.INTERNAL,
          "Notifications sent or failed", retention_ms=7 * DAY_MS),
)

BY_NAME: dict[str, Topic] = {topic.name: topic for topic in CATALOGUE}


def topic_of(model: type[IntegrationEvent]) -> Topic:
    return BY_NAME[model.topic]


def dead_letter_topic(consumer_group: str) -> str:
    """Each consumer group has its own dead-letter topic, so replaying one group disturbs no other."""
    return f"{consumer_group}.dead-letters"
