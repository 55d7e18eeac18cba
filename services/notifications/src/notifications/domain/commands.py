"""What people ask of notifications through its API. Imperative, pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from .model import Category, Recipients


@dataclass(frozen=True)
class ChangePreferences:
    """Opt in or out of categories (True: no more emails of it), and choose the daily digest or not."""

    person_id: UUID
    opt_outs: dict[Category, bool] = field(default_factory=dict)
    daily_digest: bool | None = None


@dataclass(frozen=True)
class MarkRead:
    person_id: UUID
    notification_id: UUID


@dataclass(frozen=True)
class Unsubscribe:
    """From an unsubscribe link: stop the category of this notification (or, from an older link, this person's
    category)."""

    notification_id: UUID | None = None
    person_id: UUID | None = None
    category: Category | None = None


@dataclass(frozen=True)
class SendAgain:
    """Staff ask for an email that did not arrive to be sent again."""

    notification_id: UUID


@dataclass(frozen=True)
class SendAllAgain:
    """Staff ask for many emails that did not arrive to be sent again at once (after an SMTP outage, say)."""

    notification_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class MessageRegistrants:
    """An organizer writes to an event's registrants; `message_id`, the client's, makes it once however often asked."""

    scheduled_event_id: UUID
    message_id: UUID
    body: str
    to: Recipients
