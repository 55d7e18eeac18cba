"""Who may do what on the platform's Kafka, derived from the topic catalogue (the one source of it), and the
operator's provisioning: the catalogue's topics created, the ACLs applied.

    python -m plumbing.kafka_access acls             # the table
    python -m plumbing.kafka_access provision        # topics and ACLs, as a super user (the operator's KAFKA_* settings)
    python -m plumbing.kafka_access revoke crm       # every ACL of a subscribing team's principal, deleted

Provisioning creates the topics that are missing and brings those that exist to what the catalogue now says: each
configuration entry that differs (retention, cleanup policy) is set, and a partition count that grew is grown. A
topic is never given fewer partitions (a keyed message would then land on another partition, out of order with the
earlier ones): a topic that has more is left so, and said so; so is a replication factor that differs (moving
replicas is the Kafka operator's work). It prints what it changed. Replicas: KAFKA_REPLICATION_FACTOR (-1, the
brokers' default.replication.factor, unless set); from 3 replicas, min.insync.replicas is a majority of them.
Dead-letter topics keep their messages two weeks (DEAD_LETTER_RETENTION_MS).

Each service (a principal named after it) writes its own topics, reads the public ones and the restricted or
internal ones whose catalogue entry names it, uses consumer groups named after it (`matching`, `matching_it_1`)
and writes their dead-letter topics. Each subscribing team (KAFKA_SUBSCRIBER_TEAMS, comma-separated principals;
`other-team` unless set) reads public topics only, as its own principal, in groups named `<team>-...`: one
organisation is cut off (`revoke`, then provisioning without it) while the others read on. The broker denies
everything else (`allow.everyone.if.no.acl.found=false`); the operator is a super user.

The operator creates every topic, so a fresh platform starts at once; a service creates only its own topics
and its dead-letter topic when they are missing (it may not create another's).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from aiokafka.admin import AIOKafkaAdminClient, NewPartitions, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import for_code
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest_v1,
    DescribeAclsRequest,
)
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import Array, Boolean, Int8, Int16, Int32, Schema, String
from mentorship_contracts import CATALOGUE, Classification, Topic, dead_letter_topic
from mentorship_contracts.topics import DAY_MS

from .settings import ConfigurationError, KafkaSettings, configuration_checked

OTHER_TEAM = "other-team"
SUBSCRIBER_TEAMS = "KAFKA_SUBSCRIBER_TEAMS"
SUPER_USERS = ("admin",)
_PRINCIPAL_NAME = re.compile(r"^[a-z][a-z0-9-]{1,62}$")
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


def subscriber_teams(named: str, catalogue: Sequence[Topic] = CATALOGUE) -> tuple[str, ...]:
    """The subscribing teams' principals, from a comma-separated list. A team's groups are those named `<team>-...`,
    so a name no other principal's groups reach: neither a service's nor the operator's, and not one whose name and a
    dash begin another's (`crm` would reach `crm-eu`'s groups)."""
    teams = tuple(team.strip() for team in named.split(","))
    taken = {*platform_services(catalogue), *SUPER_USERS}
    for team in teams:
        if not _PRINCIPAL_NAME.match(team):
            raise ConfigurationError(f"{SUBSCRIBER_TEAMS}: {team!r} is not a principal's name (lower-case letters, "
                                     "digits and dashes, from a letter)")
        if team in taken:
            raise ConfigurationError(f"{SUBSCRIBER_TEAMS}: {team!r} is the platform's own principal")
        if reaching := [service for service in platform_services(catalogue) if team.startswith(service)]:
            raise ConfigurationError(f"{SUBSCRIBER_TEAMS}: {team!r} begins with {reaching[0]!r}, whose service may use "
                                     "every consumer group whose name begins so")
        if teams.count(team) > 1 or any(other != team and other.startswith(team + "-") for other in teams):
            raise ConfigurationError(f"{SUBSCRIBER_TEAMS}: {team!r} is named twice or begins another team's name, "
                                     "whose consumer groups it would reach")
    return teams


def configured_subscriber_teams() -> tuple[str, ...]:
    return subscriber_teams(os.environ.get(SUBSCRIBER_TEAMS, OTHER_TEAM))


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
        found |= _on_group(team, team + "-")
    return sorted(found)


def _on_topic(principal: str, name: str, pattern: Pattern, *operations: Operation) -> set[Grant]:
    return {Grant(principal, "topic", name, pattern, operation) for operation in operations}


def _on_group(principal: str, prefix: str | None = None) -> set[Grant]:
    return {Grant(principal, "group", prefix or principal, "prefixed", operation) for operation in ("read", "describe")}


# Long enough for the ticket its alert opens to be worked (a working day, a long weekend, a holiday), not so long
# that copies of a restricted topic's messages (kept 7 days there) outlive them by more than a week.
DEAD_LETTER_RETENTION_MS = 14 * DAY_MS
DEAD_LETTER_CONFIG = {"cleanup.policy": "delete", "retention.ms": str(DEAD_LETTER_RETENTION_MS)}
# The brokers' own default.replication.factor (KafkaSettings.kafka_replication_factor).
BROKERS_DEFAULT = -1


def new_topic(name: str, partitions: int, replication_factor: int, config: dict[str, str]) -> NewTopic:
    """A topic to create. From 3 replicas, a write (acks=all) is acknowledged once a majority of them hold it, so one
    broker may be lost without losing it or stopping writes; with fewer, the brokers' own min.insync.replicas."""
    if replication_factor >= 3:
        config = {**config, "min.insync.replicas": str(replication_factor // 2 + 1)}
    # aiokafka takes -1 only beside a replica assignment: an empty one sends none, and the broker applies its
    # default.replication.factor.
    assignments: dict[int, list[int]] | None = {} if replication_factor == BROKERS_DEFAULT else None
    return NewTopic(name, partitions, replication_factor, replica_assignments=assignments, topic_configs=config)


def catalogue_topic(topic: Topic, replication_factor: int = BROKERS_DEFAULT) -> NewTopic:
    return new_topic(topic.name, topic.partitions, replication_factor, topic.config)


def dead_letter_topic_of(group: str, replication_factor: int = BROKERS_DEFAULT) -> NewTopic:
    # One partition, so a dead letter is named by its offset alone.
    return new_topic(dead_letter_topic(group), 1, replication_factor, DEAD_LETTER_CONFIG)


def catalogue_topics(catalogue: Sequence[Topic] = CATALOGUE, replication_factor: int = BROKERS_DEFAULT
                     ) -> list[NewTopic]:
    """The topics the operator creates: the catalogue's, and each service's dead-letter topic."""
    return [*(catalogue_topic(t, replication_factor) for t in catalogue),
            *(dead_letter_topic_of(service, replication_factor) for service in platform_services(catalogue))]


# --- applying them: Kafka's admin protocol ---------------------------------------------------------------------

# Kafka's codes for them (ResourceType, PatternType, AclOperation, AclPermissionType).
_RESOURCES: dict[int, Resource] = {2: "topic", 3: "group"}
_PATTERNS: dict[int, Pattern] = {3: "literal", 4: "prefixed"}
_OPERATIONS: dict[int, Operation] = {3: "read", 4: "write", 5: "create", 8: "describe"}
_RESOURCE, _PATTERN, _OPERATION = ({v: k for k, v in m.items()} for m in (_RESOURCES, _PATTERNS, _OPERATIONS))
_ANY, _ALLOW = 1, 3
_TOPIC_CREATED, _TOPIC_ALREADY_EXISTS = 0, 36


class ProvisioningError(RuntimeError):
    """The broker refused to change a topic's configuration or an ACL; the message says which and why."""


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


# IncrementalAlterConfigs version 0 (Kafka 2.3 on), which aiokafka lacks.
class _IncrementalAlterConfigsResponse(Response):
    API_KEY = 44
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        ("responses", Array(("error_code", Int16), ("error_message", String("utf-8")), ("resource_type", Int8),
                            ("resource_name", String("utf-8")))),
    )


class _IncrementalAlterConfigsRequest(RequestStruct):
    API_KEY = 44
    API_VERSION = 0
    RESPONSE_TYPE = _IncrementalAlterConfigsResponse
    SCHEMA = Schema(
        ("resources", Array(("resource_type", Int8), ("resource_name", String("utf-8")),
                            ("configs", Array(("name", String("utf-8")), ("config_operation", Int8),
                                              ("value", String("utf-8")))))),
        ("validate_only", Boolean),
    )


class _SetTopicConfigs(Request[_IncrementalAlterConfigsRequest]):
    """Set these entries of topics' configurations and no other (aiokafka's AlterConfigs would reset every entry it
    is not given: what the Kafka operator set by hand)."""

    API_KEY = 44
    _SET = 0

    def __init__(self, entries: dict[str, dict[str, str]]) -> None:
        self._resources = [(int(ConfigResourceType.TOPIC), topic,
                            [(name, self._SET, value) for name, value in sorted(config.items())])
                           for topic, config in sorted(entries.items())]

    def build(self, request_struct_class: type[_IncrementalAlterConfigsRequest]
              ) -> _IncrementalAlterConfigsRequest:
        return request_struct_class(self._resources, False)


def _entry(grant: Grant) -> tuple:
    return (_RESOURCE[grant.resource], grant.name, _PATTERN[grant.pattern], f"User:{grant.principal}", "*",
            _OPERATION[grant.operation], _ALLOW)


async def provision(client_options: dict[str, Any], grants: Iterable[Grant], topics: Iterable[NewTopic],
                    timeout: float = 30.0) -> list[str]:
    """Create the topics that are missing and bring those that exist to these (`align_topics`), then make the ACLs of
    the principals in `grants` exactly these (an ACL one of them holds and `grants` does not name is deleted). Needs a
    super user; safe to run again. Returns what it changed in existing topics, or left and why, a line each."""
    wanted = set(grants)
    topics = list(topics)
    admin = AIOKafkaAdminClient(**client_options)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        await create_topics(admin, [topic for topic in topics if topic.name not in existing], timeout)
        changes = await align_topics(admin, [topic for topic in topics if topic.name in existing], timeout)
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
    return changes


async def revoke(client_options: dict[str, Any], principal: str, timeout: float = 30.0) -> int:
    """Delete every ALLOW ACL `principal` holds on topics and groups, and wait until a broker enforces it; returns how
    many. Provisioning never deletes the ACLs of a principal it no longer grants anything: this does."""
    admin = AIOKafkaAdminClient(**client_options)
    await admin.start()
    try:
        held = await _existing(admin, {principal})
        if held:
            _check(await admin._send_request(_DeleteAcls(sorted(held))), "filter_responses", "deleting ACLs")
        async with asyncio.timeout(timeout):
            while await _existing(admin, {principal}):
                await asyncio.sleep(0.1)
    finally:
        await admin.close()
    return len(held)


async def create_topics(admin: AIOKafkaAdminClient, topics: list[NewTopic], timeout: float = 30.0) -> None:
    """Create these topics unless they exist, and wait until each partition has a leader. A refusal raises Kafka's
    own error (`TopicAuthorizationFailedError` without the ACL to create it), naming the topic."""
    if not topics:
        return
    response = await admin.create_topics(topics, timeout_ms=int(timeout * 1000))
    for topic, error_code, message, *_ in response.topic_errors:
        if error_code not in (_TOPIC_CREATED, _TOPIC_ALREADY_EXISTS):
            raise for_code(error_code)(f"creating topic {topic!r}: {message}")
    # Creation is acknowledged before every partition has a leader; a producer right after would get errors.
    names = [topic.name for topic in topics]
    async with asyncio.timeout(timeout):
        while not _all_led(await admin.describe_topics(names)):
            await asyncio.sleep(0.1)


async def align_topics(admin: AIOKafkaAdminClient, topics: list[NewTopic], timeout: float = 30.0) -> list[str]:
    """Bring these existing topics to their specification where Kafka can (see the module): the configuration
    entries that differ, a partition count that grew. Returns what it changed or left, a line each."""
    if not topics:
        return []
    described = {t["topic"]: t for t in await admin.describe_topics([topic.name for topic in topics])}
    responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t.name) for t in topics])
    current = {name: {entry[0]: entry[1] for entry in entries}
               for response in responses for _, _, _, name, entries in response.resources}
    said, settings, grown = [], {}, {}
    for topic in topics:
        partitions = described[topic.name]["partitions"]
        wanted = dict(topic.topic_configs)
        replicas = {len(p["replicas"]) for p in partitions}
        if topic.replication_factor != BROKERS_DEFAULT and replicas != {topic.replication_factor}:
            # Its min.insync.replicas is for the factor asked: on fewer replicas it could refuse every write.
            wanted.pop("min.insync.replicas", None)
            said.append(f"{topic.name}: has {'/'.join(map(str, sorted(replicas)))} replicas where "
                        f"KAFKA_REPLICATION_FACTOR says {topic.replication_factor}: left so, with its "
                        "min.insync.replicas (reassigning partitions is the Kafka operator's: "
                        "kafka-reassign-partitions.sh)")
        if differing := {k: v for k, v in wanted.items() if current[topic.name].get(k) != v}:
            settings[topic.name] = differing
            said += [f"{topic.name}: {k} {current[topic.name].get(k)} -> {v}" for k, v in sorted(differing.items())]
        if len(partitions) < topic.num_partitions:
            grown[topic.name] = NewPartitions(topic.num_partitions)
            said.append(f"{topic.name}: partitions {len(partitions)} -> {topic.num_partitions}")
        elif len(partitions) > topic.num_partitions:
            said.append(f"{topic.name}: has {len(partitions)} partitions where the catalogue says "
                        f"{topic.num_partitions}: left so (partitions are never taken away: keyed messages would "
                        "change partition)")
    if settings:
        response = await admin._send_request(_SetTopicConfigs(settings))
        if refused := [(name, error, message) for error, message, _, name in response.responses if error]:
            raise ProvisioningError(f"changing topic configurations failed: {refused}")
    if grown:
        await admin.create_partitions(grown, timeout_ms=int(timeout * 1000))
    return said


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
    parser.add_argument("command", choices=["acls", "provision", "revoke"])
    parser.add_argument("principal", nargs="?", help="revoke: the subscribing team's principal")
    args = parser.parse_args(argv)
    with configuration_checked(args.command):
        if args.command == "revoke":
            if not args.principal or args.principal in {*platform_services(), *SUPER_USERS}:
                raise ConfigurationError(f"revoke: {args.principal!r} is not a subscribing team's principal (the "
                                         "platform's own are never revoked)")
            if args.principal in configured_subscriber_teams():
                raise ConfigurationError(f"revoke: {args.principal!r} is still in {SUBSCRIBER_TEAMS}: take it out "
                                         "first, or the next provisioning grants it all again")
            granted = []
        else:
            granted = acls(other_teams=configured_subscriber_teams())
        if args.command == "acls":
            for grant in granted:
                print(f"User:{grant.principal:<15} {grant.operation:<9} {grant.resource} {grant.pattern:<8} "
                      f"{grant.name}")
            return 0
        # The operator's connection: the same KAFKA_* variables as a service's, of a principal that is a super user.
        settings = KafkaSettings()
    if args.command == "revoke":
        taken = asyncio.run(revoke(settings.kafka_client_options(), args.principal))
        if not taken:
            print(f"revoke: {args.principal!r} held no ACLs: is the name right? (`acls` lists the teams')",
                  file=sys.stderr)
            return 1
        print(f"revoked {taken} ACLs of {args.principal}: delete its SCRAM user on the cluster too")
        return 0
    topics = catalogue_topics(replication_factor=settings.kafka_replication_factor)
    for change in asyncio.run(provision(settings.kafka_client_options(), granted, topics)):
        print(change)
    print(f"provisioned {len(topics)} topics and {len(granted)} ACLs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
