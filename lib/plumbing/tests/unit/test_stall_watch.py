"""A consumer is taken as stalled only when it sits idle while its partitions have messages waiting, twice running."""

from plumbing.consumer import StallWatch


def test_a_consumer_idle_past_the_limit_with_messages_waiting_at_two_checks_in_a_row_has_stalled():
    watch = StallWatch(stall_seconds=60)
    assert not watch.stalled(idle_for=61, waiting=5)
    assert watch.stalled(idle_for=76, waiting=5)


def test_one_check_is_not_enough_as_after_a_freeze_the_backlog_is_taken_at_once():
    watch = StallWatch(stall_seconds=60)
    assert not watch.stalled(idle_for=90, waiting=40)  # just thawed
    assert not watch.stalled(idle_for=0.5, waiting=12)  # taking its backlog
    assert not watch.stalled(idle_for=70, waiting=3)


def test_a_consumer_applying_a_batch_or_with_nothing_waiting_has_not_stalled():
    watch = StallWatch(stall_seconds=60)
    for _ in range(3):
        assert not watch.stalled(idle_for=None, waiting=100)  # a batch under way, however long
    for _ in range(3):
        assert not watch.stalled(idle_for=600, waiting=0)  # nothing to take


async def test_a_lag_that_cannot_be_measured_is_logged_once_and_its_gauge_of_when_it_last_was_stays(monkeypatch, caplog):
    # Stale at its last value (0, say) consumer_lag would keep the alerts on lag quiet for ever: the operator is told.
    import asyncio
    import logging
    import time
    from types import SimpleNamespace

    from aiokafka.structs import OffsetAndMetadata, TopicPartition
    from plumbing import runtime
    from plumbing.metrics import Metrics

    partition = TopicPartition("matching.pairings", 0)
    refusing, asked = {"now": True}, {"times": 0}

    class Admin:
        def __init__(self, **_): ...
        async def start(self) -> None: ...
        async def close(self) -> None: ...

        async def list_consumer_group_offsets(self, group):
            asked["times"] += 1
            if refusing["now"]:
                raise PermissionError("group authorization failed")
            return {partition: OffsetAndMetadata(40, "")}

    class Reader:
        def __init__(self, **_): ...
        async def start(self) -> None: ...
        async def stop(self) -> None: ...
        async def beginning_offsets(self, partitions): return {partition: 0}
        async def end_offsets(self, partitions): return {partition: 42}

    async def partitions(options, topics):
        return [partition]

    monkeypatch.setattr(runtime, "AIOKafkaAdminClient", Admin)
    monkeypatch.setattr(runtime, "AIOKafkaConsumer", Reader)
    monkeypatch.setattr(runtime, "partitions_of", partitions)
    metrics = Metrics("fake")
    settings = SimpleNamespace(kafka_client_options=dict, consumer_watch_seconds=0.01, consumer_stall_seconds=60,
                               consumer_group="notifications")
    consumer = SimpleNamespace(topics=["matching.pairings"], assigned=lambda: [partition], idle_for=lambda: None)
    service = SimpleNamespace(consumer=consumer, settings=settings, metrics=metrics, consuming=True)
    gauge = metrics.registry.get_sample_value

    async def until(condition) -> None:
        deadline = time.monotonic() + 5
        while not condition():
            assert time.monotonic() < deadline, "not within 5 s"
            await asyncio.sleep(0.01)

    caplog.set_level(logging.INFO, logger="plumbing.runtime")
    watching = asyncio.ensure_future(runtime._watch_consumer(service))
    try:
        await until(lambda: any("could not be measured" in r.getMessage() for r in caplog.records))
        failed_passes = asked["times"]
        await until(lambda: asked["times"] >= failed_passes + 3)  # a few more failing passes, said no more
        assert gauge("consumer_lag_measured_at_seconds") == 0
        assert sum("could not be measured" in r.getMessage() for r in caplog.records) == 1
        refusing["now"] = False
        await until(lambda: gauge("consumer_lag_measured_at_seconds") > 0)
        await until(lambda: any("measured again" in r.getMessage() for r in caplog.records))
        assert gauge("consumer_lag", {"topic": "matching.pairings", "partition": "0"}) == 2
    finally:
        watching.cancel()
        await asyncio.gather(watching, return_exceptions=True)
