"""The catalogue's named consumers of restricted and internal topics are exactly the services that consume them.

A restricted topic carries contact or identity data, an internal one our services' own signals: only the
services `Topic.consumers` names may read them. Each service's `entrypoints.consumers.HANDLERS` says what it
consumes (keys are event models, each with its topic), with every later version and private twin its consumer
applies through the same handler (`with_later_versions`); a service without that module consumes nothing.
"""

import importlib
import importlib.util
from dataclasses import replace
from pathlib import Path

from mentorship_contracts import BY_NAME, CATALOGUE, Classification, Topic
from plumbing.consumer import with_later_versions

SERVICES = sorted(p.name for p in (Path(__file__).resolve().parents[1] / "services").iterdir() if (p / "src").is_dir())
GUARDED = (Classification.RESTRICTED, Classification.INTERNAL)


def consumed_topics() -> dict[str, set[str]]:
    """Each service's consumed topics, from its consumers' HANDLERS."""
    consumed = {}
    for service in SERVICES:
        if importlib.util.find_spec(f"{service}.entrypoints.consumers") is None:
            consumed[service] = set()
            continue
        handlers = importlib.import_module(f"{service}.entrypoints.consumers").HANDLERS
        consumed[service] = {model.topic for model in with_later_versions(handlers)}
    return consumed


def problems(consumed: dict[str, set[str]], catalogue: tuple[Topic, ...]) -> list[str]:
    by_name = {topic.name: topic for topic in catalogue}
    found = []
    for service, topics in sorted(consumed.items()):
        for name in sorted(topics):
            topic = by_name.get(name)
            if topic is None:
                found.append(f"{service} consumes {name}, which is not in the catalogue")
            elif topic.classification in GUARDED and service not in topic.consumers:
                found.append(f"{service} consumes {topic.classification} {name} but is not among its consumers")
    for topic in catalogue:
        for service in topic.consumers:
            if service not in consumed:
                found.append(f"{topic.name} names {service} as a consumer, which is not a service")
            elif topic.name not in consumed[service]:
                found.append(f"{topic.name} names {service} as a consumer, but {service} does not consume it")
    return found


def test_the_services_are_found_and_consume_something():
    consumed = consumed_topics()
    assert {"profiles", "matching", "events", "notifications"} <= set(consumed)
    assert any(consumed.values())


def test_only_the_named_consumers_read_restricted_and_internal_topics_and_every_one_named_does():
    assert problems(consumed_topics(), CATALOGUE) == []


def test_a_consumer_missing_from_the_catalogue_or_a_stale_one_in_it_is_caught():
    contacts = BY_NAME["profiles.contacts"]
    consumed = {"notifications": {contacts.name}, "matching": {contacts.name}, "events": set()}
    catalogue = (replace(contacts, consumers=("notifications", "events", "billing")),)
    assert problems(consumed, catalogue) == [
        "matching consumes restricted profiles.contacts but is not among its consumers",
        "profiles.contacts names events as a consumer, but events does not consume it",
        "profiles.contacts names billing as a consumer, which is not a service",
    ]
