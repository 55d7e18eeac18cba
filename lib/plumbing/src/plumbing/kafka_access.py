"""Who may do what on the platform's Kafka, derived from the topic catalogue (the one source of it), and the
operator's provisioning: the catalogue's topics created, the ACLs applied.

    python -m plumbing.kafka_access acls        # the table
    python -m plumbing.kafka_access provision   # topics and ACLs, as a super user (the operator's KAFKA_* settings)

Each service (a principal named after it) writes its own topics, reads the public ones and the restricted or
internal ones whose catalogue entry names it, uses consumer groups named after it (`matching`, `matching_it_1`)
and writes their dead-letter topics. Another team (`other-team`) reads public topics only, in groups of its own.
The broker denies everything else (`allow.everyone.if.no.acl.found=false`); the operator is a super user.

The operator creates every topic, so a fresh platform starts at once; a service creates only its own topics
and its dead-letter topic when they are missing (it may not create another's).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest_v1,
    DescribeAclsRequest,
)
from aiokafka.protocol.api import Request
from mentorship_contracts import CATALOGUE, Classification, Topic, dead_letter_topic

from .settings import KafkaSettings

OTHER_TEAM = "other-team"
# A service's consumer groups are its name, or its name and a suffix after one of these (tests run such groups).
GROUP_SUFFIX_SEPARATORS = ("-", "_")

Resource = Literal["topic", "group"]
Pattern = Literal["literal", "prefixed"]
Operation = Literal["read", "write", "create", "describe"]


@dataclass(frozen=True, order=True)
class Grant:
    """One ACL: ALLOW `principal` (a SCRAM user) `operation` on the resource, from any host."""

    principal: str
    resource: Resource
    name: str
    pattern: Pattern
    operation: Operation


def platform_services(catalogue: Sequence[Topic] = CATALOGUE) -> list[str]:
    """The services the catalogue names, as owners or as consumers of a topic."""
    return sorted({t.owner for t in catalogue} | {c for t in catalogue for c in t.consumers})


def readable_by(service: str, catalogue: Sequence[Topic] = CATALOGUE) -> list[Topic]:
    """The topics a service may read: every public one, and the others whose entry names it."""
    return [t for t in catalogue if t.classification == Classification.PUBLIC or service in t.consumers]


def acls(catalogue: Sequence[Topic] = CATALOGUE, other_teams: Sequence[str] = (OTHER_TEAM,)) -> list[Grant]:
    """Every ACL of the platform, sorted."""
    found: set[Grant] = set()
    for service in platform_services(catalogue):
        for topic in catalogue:
            if topic.owner == service:
                found |= _on_topic(service, topic.name, "literal", "write", "describe", "create")
        for topic in readable_by(service, catalogue):
            found |= _on_topic(service, topic.name, "literal", "read", "describe")
        found |= _on_topic(service, dead_letter_topic(service), "literal", "write", "describe", "create", "read")
        for separator in GROUP_SUFFIX_SEPARATORS:  # the dead-letter topics of its other groups
            found |= _on_topic(service, service + separator, "prefixed", "write", "describe", "create", "read")
        found |= _on_group(service)
    for team in other_teams:
        for topic in catalogue:
            if topic.classification == Classification.PUBLIC:
                found |= _on_topic(team, topic.name, "literal", "read", "describe")
        found |= _on_group(team)
    return sorted(found)


def _on_topic(principal: str, name: str, pattern: Pattern, *operations: Operation) -> set[Grant]:
    return {Grant(principal, "topic", name, pattern, operation) for operation in operations}


def _on_group(principal: str) -> set[Grant]:
    return {Grant(principal, "group", principal, "prefixed", operation) for operation in ("read", "describe")}


def catalogue_topics(catalogue: Sequence[Topic] = CATALOGUE) -> list[NewTopic]:
    """The topics the operator creates: the catalogue's, and each service's dead-letter topic."""
    return [
        *(NewTopic(t.name, t.partitions, 1, topic_configs=t.config) for t in catalogue),
        # One partition, so a dead letter is named by its offset alone.
        *(NewTopic(dead_letter_topic(service), 1, 1) for service in platform_services(catalogue)),
    ]


# --- applying them: Kafka's admin protocol ---------------------------------------------------------------------

# Kafka's codes for them (ResourceType, PatternType, AclOperation, AclPermissionType).
_RESOURCES: dict[int, Resource] = {2: "topic", 3: "group"}
_PATTERNS: dict[int, Pattern] = {3: "literal", 4: "prefixed"}
_OPERATIONS: dict[int, Operation] = {3: "read", 4: "write", 5: "create", 8: "describe"}
_RESOURCE, _PATTERN, _OPERATION = ({v: k for k, v in m.items()} for m in (_RESOURCES, _PATTERNS, _OPERATIONS))
_ANY, _ALLOW = 1, 3
_TOPIC_CREATED, _TOPIC_ALREADY_EXISTS = 0, 36


class ProvisioningError(RuntimeError):
    """The broker refused to create a topic or an ACL; the message says which and why."""


class _CreateAcls(Request[CreateAclsRequest_v1]):
    """Many ACLs in one CreateAcls request (aiokafka's own request carries one)."""

    API_KEY = 30

    def __init__(self, grants: Sequence[Grant]) -> None:
        self._creations = [_entry(grant) for grant in grants]

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(self._creations)


class _DeleteAcls(Request[DeleteAclsRequest_v1]):
    API_KEY = 31

    def __init__(self, grants: Sequence[Grant]) -> None:
        self._filters = [_entry(grant) for grant in grants]

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class(self._filters)


def _entry(grant: Grant) -> tuple:
    return (_RESOURCE[grant.resource], grant.name, _PATTERN[grant.pattern], f"User:{grant.principal}", "*",
            _OPERATION[grant.operation], _ALLOW)


async def provision(client_options: dict[str, Any], grants: Iterable[Grant], topics: Iterable[NewTopic],
                    timeout: float = 30.0) -> None:
    """Create the topics that are missing, then make the ACLs of the principals in `grants` exactly these (an ACL
    one of them holds and `grants` does not name is deleted). Needs a super user; safe to run again."""
    wanted = set(grants)
    admin = AIOKafkaAdminClient(**client_options)
    await admin.start()
    try:
        await create_topics(admin, list(topics), timeout)
        existing = await _existing(admin, {g.principal for g in wanted})
        if missing := sorted(wanted - existing):
            _check(await admin._send_request(_CreateAcls(missing)), "creation_responses", "creating ACLs")
        if stale := sorted(existing - wanted):
            _check(await admin._send_request(_DeleteAcls(stale)), "filter_responses", "deleting ACLs")
        # The controller acknowledges before the brokers' authorizers have them: wait until a broker enforces them.
        async with asyncio.timeout(timeout):
            while await _existing(admin, {g.principal for g in wanted}) != wanted:
                await asyncio.sleep(0.1)
    finally:
        await admin.close()


async def create_topics(admin: AIOKafkaAdminClient, topics: list[NewTopic], timeout: float = 30.0) -> None:
    """Create these topics unless they exist, and wait until each partition has a leader."""
    if not topics:
        return
    response = await admin.create_topics(topics, timeout_ms=int(timeout * 1000))
    for topic, error_code, *_ in response.topic_errors:
        if error_code not in (_TOPIC_CREATED, _TOPIC_ALREADY_EXISTS):
            raise ProvisioningError(f"creating topic {topic!r} failed with Kafka error code {error_code}")
    # Creation is acknowledged before every partition has a leader; a producer right after would get errors.
    names = [topic.name for topic in topics]
    async with asyncio.timeout(timeout):
        while not _all_led(await admin.describe_topics(names)):
            await asyncio.sleep(0.1)


def _all_led(described: list[dict]) -> bool:
    return all(
        topic["error_code"] == 0 and topic["partitions"] and all(p["leader"] >= 0 for p in topic["partitions"])
        for topic in described
    )


async def _existing(admin: AIOKafkaAdminClient, principals: set[str]) -> set[Grant]:
    """The ALLOW ACLs on topics and groups the broker holds for these principals."""
    response = await admin._send_request(DescribeAclsRequest(_ANY, None, _ANY, None, None, _ANY, _ANY))
    if response.error_code:
        raise ProvisioningError(f"listing ACLs failed: {response.error_message} ({response.error_code})")
    found = set()
    for resource_type, name, pattern, entries in response.resources:
        for principal, _host, operation, permission in entries:
            user = principal.removeprefix("User:")
            if (user in principals and permission == _ALLOW and resource_type in _RESOURCES
                    and pattern in _PATTERNS and operation in _OPERATIONS):
                found.add(Grant(user, _RESOURCES[resource_type], name, _PATTERNS[pattern], _OPERATIONS[operation]))
    return found


def _check(response: Any, field: str, what: str) -> None:
    errors = [(entry[0], entry[1]) for entry in getattr(response, field) if entry[0]]
    if errors:
        raise ProvisioningError(f"{what} failed: {errors}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plumbing.kafka_access",
                                     description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["acls", "provision"])
    args = parser.parse_args(argv)
    if args.command == "acls":
        for grant in acls():
            print(f"User:{grant.principal:<15} {grant.operation:<9} {grant.resource} {grant.pattern:<8} {grant.name}")
        return 0
    # The operator's connection: the same KAFKA_* variables as a service's, of a principal that is a super user.
    settings = KafkaSettings()
    asyncio.run(provision(settings.kafka_client_options(), acls(), catalogue_topics()))
    print(f"provisioned {len(catalogue_topics())} topics and {len(acls())} ACLs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
