"""Contracts of the mentorship platform: integration events, the topic catalogue, JSON Schemas.

Everything another team needs to subscribe to our public topics, and the only code our services share
besides the plumbing package.
"""

from . import events, matching, notifications, profiles
from .envelope import IncompleteEnvelope, IntegrationEvent, UnknownEventType, decode, message_headers, registered_events
from .sealed import SealedEvent, sealed_version_of, sealed_versions
from .topics import BY_NAME, CATALOGUE, Classification, Topic, dead_letter_topic, topic_of

__all__ = [
    "BY_NAME",
    "CATALOGUE",
    "Classification",
    "IncompleteEnvelope",
    "IntegrationEvent",
    "SealedEvent",
    "Topic",
    "UnknownEventType",
    "dead_letter_topic",
    "decode",
    "events",
    "matching",
    "message_headers",
    "notifications",
    "profiles",
    "registered_events",
    "sealed_version_of",
    "sealed_versions",
    "topic_of",
]
