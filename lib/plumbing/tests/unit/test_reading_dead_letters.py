"""What the operator reads of a dead letter: where the message came from (its own topic, partition and offset, not
the dead-letter topic's), what it was (type and version, and for a version this build does not know, the ones it
does), and, asked for by its offset, the message itself; that a group with none says so; and what a replay would
republish, asked for as a dry run, which sends nothing."""

import dataclasses
import json
import socket
from uuid import uuid4

import pytest
from aiokafka.structs import ConsumerRecord
from mentorship_contracts import UnknownEventType, message_headers
from mentorship_contracts.profiles import CHAPTERS, ChapterDefined
from plumbing import dead_letters

DEAD_LETTER_TOPIC = "notifications.dead-letters"


def set_aside(value: bytes, event_type: str, reason: str, error: Exception, *, at: tuple[int, int] = (2, 5),
              dead_letter_offset: int = 7) -> ConsumerRecord:
    """A message read from `profiles.chapters` at partition and offset `at`, as the consumer leaves it on its group's
    dead-letter topic."""
    original = ConsumerRecord(CHAPTERS, *at, 0, 0, b"chapter-key", value, None, 0, 0,
                              [(k, v.encode()) for k, v in message_headers(str(uuid4()), event_type).items()])
    headers = dead_letters.headers(original, "notifications", reason, error)
    return ConsumerRecord(DEAD_LETTER_TOPIC, 0, dead_letter_offset, 0, 0, original.key, value, None, 0, 0,
                          [(k, v.encode()) for k, v in headers.items()])


def a_chapter(version: int) -> bytes:
    event = ChapterDefined(chapter_id=uuid4(), name="Lakes")
    return json.dumps({**json.loads(event.to_json()), "schema_version": version}).encode()


def test_a_dead_letter_says_where_its_message_was_on_its_own_topic_not_only_on_the_dead_letter_topic():
    record = set_aside(a_chapter(2), "profiles.chapter_defined", "failed", RuntimeError("a bug"))
    described = dead_letters.describe(record)
    assert (described["topic"], described["partition"], described["offset"]) == (CHAPTERS, 2, 5)
    assert (described["dead_letter_partition"], described["dead_letter_offset"]) == (0, 7)
    assert (described["event_type"], described["schema_version"]) == ("profiles.chapter_defined", 2)


def test_a_version_this_build_does_not_know_is_named_with_the_versions_it_does():
    # "Deploy the consumer that knows it" or "the producer is wrong": the operator can tell only with both.
    error = UnknownEventType("unknown event type/version ('profiles.chapter_defined', 99)")
    described = dead_letters.describe(set_aside(a_chapter(99), "profiles.chapter_defined", "invalid", error))
    assert described["schema_version"] == 99
    assert described["known_versions"] == sorted(described["known_versions"]) and 2 in described["known_versions"]
    assert 99 not in described["known_versions"]


def test_a_dead_letter_with_no_version_is_not_compared_with_the_versions_known():
    # A body that was no event under a known type's header read "UnknownEventType", with versions to compare nothing to.
    error = UnknownEventType("unknown event type/version (None, None)")
    described = dead_letters.describe(set_aside(b'{"hello": "world"}', "events.reminder_due", "invalid", error))
    assert described["schema_version"] is None and "known_versions" not in described


def test_a_dead_letter_that_is_not_json_is_described_without_a_version():
    described = dead_letters.describe(set_aside(b"\xff not json", "profiles.chapter_defined", "invalid",
                                                ValueError("bad")))
    assert described["schema_version"] is None and "known_versions" not in described


def test_the_operator_reads_a_dead_letters_message_by_its_offset(monkeypatch, capsys):
    value = a_chapter(2)
    records = [set_aside(value, "profiles.chapter_defined", "failed", RuntimeError("a bug"), dead_letter_offset=7),
               set_aside(b"{}", "profiles.chapter_defined", "invalid", ValueError("x"), dead_letter_offset=8)]

    async def read_all(options, group):
        return records

    monkeypatch.setattr(dead_letters, "read_all", read_all)
    monkeypatch.setenv("MENTORSHIP_ENV", "development")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    assert dead_letters.main(["show", "--group", "notifications", "--offset", "7"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["message"] == json.loads(value) and shown["key"] == "chapter-key"
    assert (shown["topic"], shown["partition"], shown["offset"]) == (CHAPTERS, 2, 5)
    assert not [name for name in shown["headers"] if name.startswith(dead_letters.PREFIX)]
    assert dead_letters.main(["show", "--group", "notifications", "--offset", "9"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "9" in err and "7, 8" in err


def test_listing_a_group_with_no_dead_letters_says_so(monkeypatch, capsys):
    async def read_all(options, group):
        return []

    monkeypatch.setattr(dead_letters, "read_all", read_all)
    monkeypatch.setenv("MENTORSHIP_ENV", "development")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    assert dead_letters.main(["list", "--group", "notifications"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "no dead letters for group notifications\n"


def test_a_message_without_an_event_type_header_is_described_by_the_type_it_names():
    # An outside or hand-made producer may leave out the headers: the message itself says what it is.
    record = set_aside(a_chapter(99), "profiles.chapter_defined", "invalid",
                       UnknownEventType("unknown event type/version"))
    record = dataclasses.replace(record, headers=[(k, v) for k, v in record.headers if k != "event_type"])
    described = dead_letters.describe(record)
    assert described["event_type"] == "profiles.chapter_defined" and 2 in described["known_versions"]


def test_show_gives_the_headers_the_message_had_not_those_added_when_it_was_set_aside(monkeypatch, capsys):
    record = set_aside(a_chapter(2), "profiles.chapter_defined", "failed", RuntimeError("a bug"))
    # What the consumer's broker adds when it publishes a dead letter.
    record = dataclasses.replace(record, headers=[*record.headers, ("content-type", b""), ("correlation_id", b"abc")])
    assert dead_letters.describe(record)["event_type"] == "profiles.chapter_defined"

    async def read_all(options, group):
        return [record]

    monkeypatch.setattr(dead_letters, "read_all", read_all)
    monkeypatch.setenv("MENTORSHIP_ENV", "development")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    assert dead_letters.main(["show", "--group", "notifications", "--offset", "7"]) == 0
    headers = json.loads(capsys.readouterr().out)["headers"]
    assert set(headers) == {"event_id", "event_type", "content-type"} and headers["content-type"] == "application/json"


def test_a_broker_out_of_reach_is_said_in_one_line_naming_where_it_was_sought(monkeypatch, capsys):
    monkeypatch.setenv("MENTORSHIP_ENV", "development")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert dead_letters.main(["list", "--group", "notifications", "--bootstrap", f"127.0.0.1:{port}"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err and "KAFKA_SECURITY_PROTOCOL" in err


class NoProducer:
    """Stands in for aiokafka's producer: a dry run must never make one."""

    def __init__(self, **options) -> None:
        raise AssertionError("a dry run made a producer")


def test_a_dry_run_prints_what_a_replay_would_republish_and_sends_nothing(monkeypatch, capsys):
    # Without --offset a replay republishes the group's every dead letter: the operator sees which first.
    records = [set_aside(a_chapter(2), "profiles.chapter_defined", "failed", RuntimeError("a bug"), at=(2, 5),
                         dead_letter_offset=7),
               set_aside(b"{}", "profiles.chapter_defined", "invalid", ValueError("x"), dead_letter_offset=8),
               set_aside(a_chapter(2), "profiles.chapter_defined", "failed", RuntimeError("a bug"), at=(0, 41),
                         dead_letter_offset=9)]

    async def read_all(options, group):
        return records

    monkeypatch.setattr(dead_letters, "read_all", read_all)
    monkeypatch.setattr(dead_letters, "AIOKafkaProducer", NoProducer)
    monkeypatch.setenv("MENTORSHIP_ENV", "development")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    assert dead_letters.main(["replay", "--group", "notifications", "--dry-run"]) == 0
    captured = capsys.readouterr()
    *would, summary = captured.out.splitlines()
    assert [json.loads(line) for line in would] == [
        {"dead_letter_offset": 7, "topic": CHAPTERS, "partition": 2, "offset": 5, "key": "chapter-key",
         "reason": "failed"},
        {"dead_letter_offset": 9, "topic": CHAPTERS, "partition": 0, "offset": 41, "key": "chapter-key",
         "reason": "failed"}]
    assert summary == "dry run: would replay 2 dead letter(s) of group notifications; nothing was sent"
    assert "offset(s) 8" in captured.err and "would not be replayed" in captured.err
    assert dead_letters.main(["replay", "--group", "notifications", "--offset", "9", "--dry-run"]) == 0
    assert [json.loads(line)["dead_letter_offset"] for line in capsys.readouterr().out.splitlines()[:-1]] == [9]


def test_a_dry_run_of_anything_but_a_replay_is_refused(capsys):
    with pytest.raises(SystemExit) as stopped:
        dead_letters.main(["list", "--group", "notifications", "--dry-run"])
    assert stopped.value.code == 2 and "--dry-run" in capsys.readouterr().err
