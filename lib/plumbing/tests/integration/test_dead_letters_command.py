"""The operator's `dead-letters` command connects as its KAFKA_* variables say: a service's principal may list its
group's dead letters but not replay them (that writes to the original topics), and is told so in one line; the
operator's principal (a one-off pod with the kafka-operator Secret: RUNBOOK.md) replays them."""

from __future__ import annotations

import asyncio
import json
from uuid import uuid4

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from devinfra.kafka import SUPER_USER, TESTS
from mentorship_contracts import dead_letter_topic, message_headers
from mentorship_contracts.profiles import PEOPLE, PersonUpdated
from plumbing import dead_letters

GROUP = "matching"


def set_aside(options: dict, reason: str = "failed", value: bytes | None = None) -> tuple[PersonUpdated, int]:
    """An event matching's consumer gave up on, as it leaves it on its dead-letter topic (or `value` in its place);
    and its offset there."""
    event = PersonUpdated(person_id=uuid4(), chapter_id=None, stage="resident", changed_fields=["bio"])
    headers = {**message_headers(str(event.event_id), event.event_type), f"{dead_letters.PREFIX}topic": PEOPLE,
               f"{dead_letters.PREFIX}reason": reason, f"{dead_letters.PREFIX}error": "RuntimeError: a bug"}

    async def publish() -> int:
        producer = AIOKafkaProducer(**options)
        await producer.start()
        try:
            sent = await producer.send_and_wait(dead_letter_topic(GROUP), value or event.to_json(), key=event.key.encode(),
                                                headers=[(k, v.encode()) for k, v in headers.items()])
        finally:
            await producer.stop()
        return sent.offset

    return event, asyncio.run(publish())


def republished(options: dict, event: PersonUpdated) -> bool:
    async def find() -> bool:
        consumer = AIOKafkaConsumer(PEOPLE, **options, group_id=f"{TESTS}-{uuid4().hex}", auto_offset_reset="earliest")
        await consumer.start()
        try:
            async with asyncio.timeout(30):
                while True:
                    for records in (await consumer.getmany(timeout_ms=500)).values():
                        if any(str(event.event_id).encode() in r.value for r in records):
                            return True
        finally:
            await consumer.stop()

    return asyncio.run(find())


@pytest.fixture
def as_principal(monkeypatch, kafka_access):
    def connect_as(principal: str) -> None:
        for variable, value in kafka_access.environment(principal).items():
            monkeypatch.setenv(variable, value)

    return connect_as


def test_a_service_lists_its_dead_letters_but_is_told_in_one_line_to_replay_them_as_the_operator(
    kafka_client_options, as_principal, capsys
):
    _, offset = set_aside(kafka_client_options())
    as_principal(GROUP)
    assert dead_letters.main(["list", "--group", GROUP]) == 0
    assert f'"dead_letter_offset": {offset}' in capsys.readouterr().out
    assert dead_letters.main(["replay", "--group", GROUP, "--offset", str(offset)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'matching'" in err and "authorization" in err and "operator" in err


def test_a_dry_run_of_a_replay_needs_no_right_to_write_and_names_what_would_be_republished(
    kafka_client_options, as_principal, capsys
):
    # As the service's principal, which may not write to the original topics: a dry run sends nothing.
    event, offset = set_aside(kafka_client_options())
    as_principal(GROUP)
    assert dead_letters.main(["replay", "--group", GROUP, "--offset", str(offset), "--dry-run"]) == 0
    would, summary = capsys.readouterr().out.splitlines()
    assert json.loads(would) == {"dead_letter_offset": offset, "topic": PEOPLE, "partition": None, "offset": None,
                                 "key": event.key, "reason": "failed"}
    assert summary == f"dry run: would replay 1 dead letter(s) of group {GROUP}; nothing was sent"


def test_the_operator_replays_a_dead_letter_to_its_original_topic(kafka_client_options, as_principal, capsys):
    event, offset = set_aside(kafka_client_options())
    as_principal(SUPER_USER)
    assert dead_letters.main(["replay", "--group", GROUP, "--offset", str(offset)]) == 0
    assert capsys.readouterr().out == f"replayed 1 dead letter(s) of group {GROUP}\n"
    assert republished(kafka_client_options(), event)


def test_a_dead_letter_refused_as_invalid_is_not_replayed_to_every_subscriber_of_its_topic_and_the_operator_is_told(
    kafka_client_options, as_principal, capsys
):
    _, invalid = set_aside(kafka_client_options(), reason="invalid",
                           value=b'{"event_type": "profiles.person_updated", "schema_version": 1, "bogus": true}')
    failed, offset = set_aside(kafka_client_options())
    as_principal(SUPER_USER)
    assert dead_letters.main(["replay", "--group", GROUP, "--offset", str(invalid)]) == 1  # today: replayed, 0
    captured = capsys.readouterr()
    assert captured.out == f"replayed 0 dead letter(s) of group {GROUP}\n"
    assert f"offset(s) {invalid}" in captured.err and "invalid" in captured.err
    assert dead_letters.main(["replay", "--group", GROUP, "--offset", str(invalid), "--offset", str(offset)]) == 1
    assert capsys.readouterr().out == f"replayed 1 dead letter(s) of group {GROUP}\n"
    assert republished(kafka_client_options(), failed)


def test_an_invalid_dead_letter_this_release_reads_as_an_event_is_replayed(kafka_client_options, as_principal, capsys):
    # A version its consumer did not know yet: the release that knows it replays it (RUNBOOK.md).
    event, offset = set_aside(kafka_client_options(), reason="invalid")
    as_principal(SUPER_USER)
    assert dead_letters.main(["replay", "--group", GROUP, "--offset", str(offset)]) == 0
    assert republished(kafka_client_options(), event)


def test_listing_a_group_that_has_no_dead_letter_topic_says_so_and_names_the_platforms_groups(as_principal, capsys):
    # A typo must not read as "nothing to replay".
    as_principal(SUPER_USER)
    assert dead_letters.main(["list", "--group", "matchign"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "matchign" in err and "matching" in err and "notifications" in err


def test_listing_another_services_dead_letters_is_refused_in_one_line_not_answered_with_nothing(
    kafka_client_options, as_principal, capsys
):
    set_aside(kafka_client_options())
    as_principal("events")
    assert dead_letters.main(["list", "--group", GROUP]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and "'events'" in captured.err
    assert "authorization" in captured.err
