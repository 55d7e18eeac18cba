"""A real Kafka broker: it starts, carries messages, and leaves nothing behind when stopped."""

import tempfile
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from devinfra.kafka import KafkaServer, create_topics, random_cluster_id
from devinfra.processes import live_members


async def test_a_message_produced_to_a_created_topic_is_consumed_back(kafka_bootstrap_servers):
    topic = f"devinfra-test-{uuid.uuid4().hex[:8]}"
    create_topics(kafka_bootstrap_servers, [topic])

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"k1")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap_servers, group_id="devinfra-test", auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()
    assert (record.key, record.value) == (b"k1", b"hello")


async def test_creating_topics_twice_is_harmless(kafka_bootstrap_servers):
    topic = f"devinfra-test-{uuid.uuid4().hex[:8]}"
    create_topics(kafka_bootstrap_servers, [topic])
    create_topics(kafka_bootstrap_servers, [topic])


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
