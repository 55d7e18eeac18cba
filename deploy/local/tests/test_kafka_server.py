"""A real Kafka broker: it starts, carries messages to those who authenticate, and leaves nothing behind when
stopped."""

import tempfile
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from devinfra.kafka import (
    SUPER_USER,
    KafkaServer,
    KafkaServerError,
    create_topics,
    grants_for_tests,
    new_passwords,
    random_cluster_id,
)
from devinfra.processes import live_members
from plumbing import kafka_access as kafka_acls
from plumbing.kafka_access import OTHER_TEAM, Grant


async def test_a_message_produced_to_a_created_topic_is_consumed_back(kafka_client_options):
    topic = f"devinfra-test-{uuid.uuid4().hex[:8]}"
    create_topics(kafka_client_options(), [topic])

    producer = AIOKafkaProducer(**kafka_client_options())
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"k1")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic, **kafka_client_options(), group_id="devinfra-test", auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()
    assert (record.key, record.value) == (b"k1", b"hello")


async def test_creating_topics_twice_is_harmless(kafka_client_options):
    topic = f"devinfra-test-{uuid.uuid4().hex[:8]}"
    create_topics(kafka_client_options(), [topic])
    create_topics(kafka_client_options(), [topic])


def test_a_stopped_broker_leaves_no_java_process_behind():
    with tempfile.TemporaryDirectory() as data_dir:
        server = KafkaServer(data_dir).start()
        pid = server.pid
        assert live_members(pid)

        server.stop()
        server.stop()  # a second stop is a no-op

        assert not live_members(pid)


def test_cluster_ids_are_22_characters_of_url_safe_base64():
    cluster_id = random_cluster_id()
    assert len(cluster_id) == 22
    assert not cluster_id.startswith("-")
    assert set(cluster_id) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


async def test_provisioning_again_keeps_the_acls_exactly_those_of_the_catalogue(kafka_access):
    """An ACL the table no longer gives is taken away on the next provisioning (the runner's broker outlives
    changes to the catalogue)."""
    topic = "matching.pairings"
    extra = Grant(OTHER_TEAM, "topic", "profiles.contacts", "literal", "describe")
    operator = kafka_access.client_options(SUPER_USER)
    everyone = [*kafka_acls.acls(), *grants_for_tests()]

    await kafka_acls.provision(operator, [*everyone, extra], [])
    assert await described_to(kafka_access.client_options(OTHER_TEAM), "profiles.contacts")
    await kafka_acls.provision(operator, everyone, [])
    assert not await described_to(kafka_access.client_options(OTHER_TEAM), "profiles.contacts")
    assert await described_to(kafka_access.client_options(OTHER_TEAM), topic)


async def test_a_revoked_team_reads_nothing_until_provisioned_again_and_the_platform_reads_on(kafka_access):
    operator = kafka_access.client_options(SUPER_USER)
    everyone = [*kafka_acls.acls(), *grants_for_tests()]
    await kafka_acls.provision(operator, everyone, [])
    try:
        assert await kafka_acls.revoke(operator, OTHER_TEAM) > 0
        assert not await described_to(kafka_access.client_options(OTHER_TEAM), "matching.pairings")
        assert await described_to(kafka_access.client_options("notifications"), "matching.pairings")
        assert await kafka_acls.revoke(operator, OTHER_TEAM) == 0
    finally:
        await kafka_acls.provision(operator, everyone, [])
    assert await described_to(kafka_access.client_options(OTHER_TEAM), "matching.pairings")


def test_a_broker_reused_with_a_user_it_was_not_formatted_with_says_to_start_afresh():
    with tempfile.TemporaryDirectory() as data_dir:
        passwords = new_passwords([SUPER_USER])
        KafkaServer(data_dir, passwords=passwords).start().stop()
        again = KafkaServer(data_dir, passwords=passwords | new_passwords(["newcomer"]))
        with pytest.raises(KafkaServerError, match="newcomer"):
            again.start()


async def described_to(options: dict, topic: str) -> bool:
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        return described["error_code"] == 0
    finally:
        await admin.close()
