"""Small Kafka helpers shared by the plumbing."""

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def partitions_of(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    """Every partition of the given topics that exist (a plain consumer learns them only once subscribed)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return sorted(
        (TopicPartition(t["topic"], p["partition"]) for t in described if not t.get("error_code") for p in t["partitions"]),
        key=lambda tp: (tp.topic, tp.partition),
    )
