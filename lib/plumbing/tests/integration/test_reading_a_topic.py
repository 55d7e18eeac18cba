"""An operator's command reads what a topic holds from a time on (`plumbing.kafka.read_topic`), on the real broker,
and is told when the topic no longer keeps all of it (its oldest messages deleted, as retention does)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic, RecordsToDelete
from devinfra.kafka import SUPER_USER
from plumbing.kafka import read_topic

DAY_MS = 86_400_000


async def test_a_topic_is_read_from_a_time_on_and_says_when_it_no_longer_keeps_all_since_then(kafka_client_options):
    options = kafka_client_options(SUPER_USER)
    topic = f"plumbing-test-read-{uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    producer = AIOKafkaProducer(**options)
    await producer.start()
    first = int(datetime.now(UTC).timestamp() * 1000) - 4 * DAY_MS  # a message a day, from four days ago
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
        for day in range(4):
            await producer.send_and_wait(topic, f"day {day}".encode(), timestamp_ms=first + day * DAY_MS)

        def day(n: int) -> datetime:
            return datetime.fromtimestamp((first + n * DAY_MS) / 1000, UTC)

        every = await read_topic(options, topic)
        assert ([r.value for r in every.records], every.gap) == ([b"day 0", b"day 1", b"day 2", b"day 3"], False)
        since = await read_topic(options, topic, day(2))
        assert ([r.value for r in since.records], since.gap) == ([b"day 2", b"day 3"], False)
        assert (await read_topic(options, topic, day(5))).records == []

        await admin.delete_records({TopicPartition(topic, 0): RecordsToDelete(before_offset=2)})
        still_kept = await read_topic(options, topic, day(2))
        assert ([r.value for r in still_kept.records], still_kept.gap) == ([b"day 2", b"day 3"], True), \
            "what was deleted before day 2 may have been sent on day 2 too: the reader cannot know it read all"
        assert (await read_topic(options, topic, day(3))).gap is False
        lost = await read_topic(options, topic, day(0))
        assert ([r.value for r in lost.records], lost.gap) == ([b"day 2", b"day 3"], True)
    finally:
        await producer.stop()
        await admin.close()
