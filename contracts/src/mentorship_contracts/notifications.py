"""Integration events published by the notifications service (internal)."""

from typing import Literal
from uuid import UUID

from .envelope import IntegrationEvent, register

DELIVERIES = "notifications.deliveries"


class _DeliveryEvent(IntegrationEvent):
    topic = DELIVERIES
    key_field = "notification_id"
    producer: str = "notifications"

    notification_id: UUID
    person_id: UUID
    chapter_id: UUID | None
    kind: str
    channel: Literal["email", "in_app", "digest"]


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

    attempts: int


@register
class NotificationFailedV2(NotificationFailed):
    """Every retry failed; coordinators see it in the delivery log, and may have it sent again: a NotificationSent
    (or another NotificationFailed) with the same `notification_id` may follow.

    Version 2: version 1 in a closed schema (every field present, no other)."""

    closed_schema = True
    schema_version: Literal[2] = 2
