"""What a consumer logs when an event fails says why and which event, by ids and types alone: the error's type on
each retry, the event's id and type when it is dead-lettered."""

import json
import logging
from dataclasses import replace
from uuid import uuid4

from aiokafka.structs import ConsumerRecord
from mentorship_contracts import message_headers
from mentorship_contracts import profiles as contract
from plumbing.consumer import EventConsumer, RetryPolicy
from plumbing.logs import JsonFormatter
from plumbing.metrics import Metrics


class FakeBroker:
    async def publish(self, *_, **__) -> None: ...


class TableMissing(Exception):
    """What a handler's statement might raise."""


def a_failing_consumer() -> EventConsumer:
    async def handle(event, transaction) -> None: ...

    consumer = EventConsumer(group="notifications", handlers={contract.PersonUpdated: handle}, pool_provider=lambda: None,
                             broker=FakeBroker(), metrics=Metrics("notifications"),  # type: ignore[arg-type]
                             retry=RetryPolicy(3, 0.001))

    async def apply(event, handler) -> bool:  # the inbox transaction is the database's business: see integration
        raise TableMissing("relation \"people\" does not exist")

    consumer.apply = apply  # type: ignore[method-assign]
    return consumer


def a_record(event) -> ConsumerRecord:
    headers = [(k, v.encode()) for k, v in message_headers(str(event.event_id), event.event_type).items()]
    return ConsumerRecord(event.topic, 0, 7, 0, 0, event.key.encode(), event.to_json(), None, 0, 0, headers)


async def test_a_failing_event_is_logged_with_the_errors_type_at_each_retry_and_its_id_and_type_when_dead_lettered(
    caplog
):
    event = contract.PersonUpdated(person_id=uuid4(), chapter_id=None, stage="resident", changed_fields=["bio"])
    with caplog.at_level(logging.WARNING, logger="plumbing.consumer"):
        await a_failing_consumer().consume((a_record(event),))
    retries = [r for r in caplog.records if r.getMessage() == "event handling failed; retrying"]
    assert [r.error_type for r in retries] == ["TableMissing", "TableMissing"]
    (dead,) = [r for r in caplog.records if r.getMessage() == "message dead-lettered"]
    assert (dead.event_id, dead.event_type, dead.error_type) == (str(event.event_id), event.event_type, "TableMissing")


async def test_a_message_that_is_no_event_is_dead_lettered_with_the_id_and_type_its_headers_name(caplog):
    event = contract.PersonUpdated(person_id=uuid4(), chapter_id=None, stage="resident", changed_fields=["bio"])
    record = replace(a_record(event), value=b"{not json")
    with caplog.at_level(logging.WARNING, logger="plumbing.consumer"):
        await a_failing_consumer().consume((record,))
    (dead,) = [r for r in caplog.records if r.getMessage() == "message dead-lettered"]
    assert (dead.event_id, dead.event_type, dead.reason) == (str(event.event_id), event.event_type, "invalid")


async def test_a_message_without_headers_that_is_no_valid_event_is_logged_with_the_id_and_type_its_value_names(caplog):
    # A producer that sent no headers (another team's tool, a hand-made message): the operator still reads which.
    record = replace(a_record(contract.PersonUpdated(person_id=uuid4(), chapter_id=None, stage="resident",
                                                     changed_fields=["bio"])), headers=[],
                     value=b'{"event_type": "profiles.program_defined", "event_id": "e-1", "bogus": true}')
    with caplog.at_level(logging.WARNING, logger="plumbing.consumer"):
        await a_failing_consumer().consume((record,))
    (dead,) = [r for r in caplog.records if r.getMessage() == "message dead-lettered"]
    assert (dead.event_id, dead.event_type, dead.reason) == ("e-1", "profiles.program_defined", "invalid")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="plumbing.consumer"):  # nested past what the parser takes
        await a_failing_consumer().consume((replace(record, value=b"[" * 100_000 + b"]" * 100_000),))
    (dead,) = [r for r in caplog.records if r.getMessage() == "message dead-lettered"]
    assert (dead.event_id, dead.event_type) == (None, None)


class Lines(logging.Handler):
    """The JSON lines the service writes (the correlation id is read as a line is formatted)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(JsonFormatter("notifications"))
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


async def test_the_lines_of_a_failing_event_carry_its_correlation_id_as_the_lines_of_its_action_do():
    event = contract.PersonUpdated(person_id=uuid4(), chapter_id=None, stage="resident", changed_fields=["bio"],
                                   correlation_id="a-persons-action")
    lines, logger = Lines(), logging.getLogger("plumbing.consumer")
    logger.addHandler(lines)
    try:
        await a_failing_consumer().consume((a_record(event),))
    finally:
        logger.removeHandler(lines)
    said = [(line["msg"], line.get("correlation_id")) for line in lines.lines]
    assert said == [("event handling failed; retrying", "a-persons-action")] * 2 + [
        ("message dead-lettered", "a-persons-action")]
