"""The session's broker as a deployment runs it: every client authenticates (SASL/SCRAM), and the ACLs the topic
catalogue gives are enforced by Kafka's StandardAuthorizer."""

from __future__ import annotations

from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import GroupAuthorizationFailedError, KafkaError, TopicAuthorizationFailedError
from devinfra.kafka import SUPER_USER
from mentorship_contracts import profiles
from mentorship_contracts.topics import DAY_MS
from plumbing.kafka_access import new_topic, provision
from plumbing.testing import eventually


async def publish_as(options: dict, *events) -> None:
    producer = AIOKafkaProducer(**options, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(event.topic, event.to_json(), key=event.key.encode())
    finally:
        await producer.stop()


async def read_all(options: dict, topic: str, group: str, wanted: str) -> list[bytes]:
    """The values on `topic` that mention `wanted`, read as the principal of `options` under consumer group `group`."""
    consumer = AIOKafkaConsumer(topic, **options, group_id=group, auto_offset_reset="earliest")
    await consumer.start()
    found: list[bytes] = []
    try:
        async def seen():
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(r.value for r in records if wanted.encode() in r.value)
            return found

        return await eventually(seen, timeout=30, what=f"{wanted} on {topic}")
    finally:
        await consumer.stop()


async def refused_to(options: dict, topic: str) -> bool:
    """Whether the broker refuses the principal of `options` the topic: its partitions are not even described to
    it (TOPIC_AUTHORIZATION_FAILED), so no client of it can fetch, and a fetch would be refused all the same."""
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return described["error_code"] == TopicAuthorizationFailedError.errno and not described["partitions"]


def a_person() -> tuple[profiles.PersonUpdatedV2, profiles.ContactDetailsChangedV2]:
    """Events about a new person that no service acts on visibly (a registration would have notifications send a
    welcome to whoever reads the shared topics later in the session)."""
    person = uuid4()
    return (profiles.PersonUpdatedV2(person_id=person, chapter_id=None, stage="resident", changed_fields=["bio"]),
            profiles.ContactDetailsChangedV2(person_id=person, chapter_id=None, display_name="Ana Reyes",
                                             email=f"ana.{person.hex}@example.org"))


async def test_another_team_reads_a_public_topic_and_is_refused_a_restricted_one(kafka_client_options):
    updated, contact = a_person()
    await publish_as(kafka_client_options("profiles"), updated, contact)

    other_team = kafka_client_options("other-team")
    assert await read_all(other_team, profiles.PEOPLE, f"other-team-{uuid4().hex}", str(updated.person_id))
    assert await refused_to(other_team, profiles.CONTACTS)
    assert not await refused_to(other_team, profiles.PEOPLE)


async def test_a_restricted_topic_is_read_by_the_service_the_catalogue_names_and_by_no_other(kafka_client_options):
    _, contact = a_person()
    await publish_as(kafka_client_options("profiles"), contact)

    found = await read_all(kafka_client_options("notifications"), profiles.CONTACTS,
                           f"notifications-{uuid4().hex}", contact.email)
    assert len(found) == 1
    assert await refused_to(kafka_client_options("matching"), profiles.CONTACTS)


async def test_a_service_is_refused_when_it_publishes_to_another_services_topic(kafka_client_options):
    updated, _ = a_person()
    with pytest.raises(TopicAuthorizationFailedError):
        await publish_as(kafka_client_options("matching"), updated)


async def test_another_team_cannot_join_a_services_consumer_group(kafka_client_options):
    updated, _ = a_person()
    await publish_as(kafka_client_options("profiles"), updated)
    consumer = AIOKafkaConsumer(profiles.PEOPLE, **kafka_client_options("other-team"), group_id="matching",
                                enable_auto_commit=False)
    with pytest.raises(GroupAuthorizationFailedError):
        await consumer.start()
    await consumer.stop()


async def test_a_client_without_credentials_is_refused(kafka_client_options):
    anonymous = {"bootstrap_servers": kafka_client_options("other-team")["bootstrap_servers"],
                 "request_timeout_ms": 5000}
    with pytest.raises(KafkaError):
        updated, _ = a_person()
        await publish_as(anonymous, updated)


async def test_a_client_with_a_wrong_password_is_refused(kafka_client_options):
    options = kafka_client_options("other-team") | {"sasl_plain_password": "guessed", "request_timeout_ms": 5000}
    consumer = AIOKafkaConsumer(profiles.PEOPLE, **options, group_id=f"other-team-{uuid4().hex}")
    with pytest.raises(KafkaError):
        await consumer.start()
    await consumer.stop()


async def topic_as_kafka_has_it(options: dict, name: str) -> tuple[int, dict[str, str]]:
    """The topic's partition count and configuration, as the broker describes them."""
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([name])
        (configs,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, name)])
    finally:
        await admin.close()
    (resource,) = configs.resources
    return len(described["partitions"]), {entry[0]: entry[1] for entry in resource[4]}


def a_topic(partitions: int, retention_days: int) -> NewTopic:
    return NewTopic(f"provisioned-{uuid4().hex[:8]}", partitions, 1,
                    topic_configs={"cleanup.policy": "delete", "retention.ms": str(retention_days * DAY_MS)})


async def test_provisioning_gives_a_topic_that_exists_the_retention_and_partitions_the_catalogue_now_says(
    kafka_client_options
):
    operator = kafka_client_options(SUPER_USER)
    before = a_topic(partitions=1, retention_days=30)
    assert await provision(operator, [], [before]) == []
    now = NewTopic(before.name, 3, 1, topic_configs={"cleanup.policy": "delete", "retention.ms": str(7 * DAY_MS)})
    changed = await provision(operator, [], [now])
    partitions, config = await topic_as_kafka_has_it(operator, now.name)
    assert (partitions, config["retention.ms"], config["cleanup.policy"]) == (3, str(7 * DAY_MS), "delete")
    assert sorted(changed) == sorted([f"{now.name}: retention.ms {30 * DAY_MS} -> {7 * DAY_MS}",
                                      f"{now.name}: partitions 1 -> 3"])
    assert await provision(operator, [], [now]) == [], "provisioned again, nothing changes"


async def test_provisioning_never_takes_partitions_from_a_topic_and_says_it_left_them(kafka_client_options):
    operator = kafka_client_options(SUPER_USER)
    wider = a_topic(partitions=4, retention_days=7)
    await provision(operator, [], [wider])
    narrower = NewTopic(wider.name, 2, 1, topic_configs=wider.topic_configs)
    said = await provision(operator, [], [narrower])
    assert (await topic_as_kafka_has_it(operator, wider.name))[0] == 4
    assert said == [f"{wider.name}: has 4 partitions where the catalogue says 2: left so (partitions are never taken "
                    "away: keyed messages would change partition)"]


async def test_a_topic_with_fewer_replicas_than_asked_is_said_so_and_keeps_the_min_insync_replicas_it_can_meet(
    kafka_client_options
):
    operator = kafka_client_options(SUPER_USER)
    single = a_topic(partitions=1, retention_days=7)
    await provision(operator, [], [single])
    three = new_topic(single.name, 1, 3, single.topic_configs)  # KAFKA_REPLICATION_FACTOR=3 on an older topic
    said = await provision(operator, [], [three])
    # Two in-sync replicas of a topic that has one would refuse every write.
    assert (await topic_as_kafka_has_it(operator, single.name))[1]["min.insync.replicas"] == "1"
    assert said == [f"{single.name}: has 1 replicas where KAFKA_REPLICATION_FACTOR says 3: left so, with its "
                    "min.insync.replicas (reassigning partitions is the Kafka operator's: kafka-reassign-partitions.sh)"]
