"""Integration events published by the notifications service (internal)."""

from typing import Literal
from uuid import UUID

from pydantic import Field

from .envelope import IntegrationEvent, register

DELIVERIES = "notifications.deliveries"


class _DeliveryEvent(IntegrationEvent):
    topic = DELIVERIES
    key_field = "notification_id"
    producer: str = "notifications"

    notification_id: UUID = Field(description="The notification's id: one message to one person; a resend keeps it")
    person_id: UUID = Field(description="The id of the person it was for")
    chapter_id: UUID | None = Field(description="The person's chapter; null when they belong to none")
    kind: str = Field(description="What it tells, a name from notifications' list (e.g. pairing_proposed, "
                                  "daily_digest)")
    channel: Literal["email", "in_app", "digest"] = Field(
        description="email: an email of its own; in_app: the web app's inbox alone; digest: an item of the "
                    "person's daily digest email")


@register
class NotificationSent(_DeliveryEvent):
    event_type: Literal["notifications.notification_sent"] = "notifications.notification_sent"
    schema_version: Literal[1] = 1


@register
class NotificationSentV2(NotificationSent):
    """Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2


@register
class NotificationFailed(_DeliveryEvent):
    """Every retry failed; coordinators see it in the delivery log."""

    event_type: Literal["notifications.notification_failed"] = "notifications.notification_failed"
    schema_version: Literal[1] = 1

    attempts: int = Field(description="How many times sending it was tried, each failing")


@register
class NotificationFailedV2(NotificationFailed):
    """Every retry failed; coordinators see it in the delivery log, and may have it sent again: a NotificationSent
    (or another NotificationFailed) with the same `notification_id` may follow.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2
