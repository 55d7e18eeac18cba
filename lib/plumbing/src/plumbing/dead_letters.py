"""Dead letters: what we attach to a message we give up on, and the operator's command to list and replay them.

    dead-letters list   --group matching
    dead-letters show   --group matching --offset 12
    dead-letters replay --group matching [--offset 12 ...] [--dry-run]

Each is listed with its reason and error, where its message was on its own topic (topic, partition, offset), its
event type and version (and, for a version this build does not know, those it does); `show` prints one's message,
key and headers; the error names the exception's type and, as `plumbing.safe_errors`
tells it, the fields and kinds of problem, or the SQLSTATE and constraint, or where it was raised: never a value it
quoted (a dead letter outlives the erasure of the person it is about).

Replaying republishes the original message, key and headers to its original topic. Every consumer
group deduplicates by event id, so a replay can never apply an event twice. A dead letter refused as invalid that this
build's contracts still cannot read as an event is never replayed: every consumer would refuse it again, and every
subscriber of the topic, other teams' too, would read it. Its producer is what needs mending (`show` says what was
wrong). One of a version its consumer did not know yet, run from a release that knows it, is replayed. Without
`--offset`, every dead letter of the group is replayed: `--dry-run` prints what would be (one line each: where it goes,
its key and why it was set aside) and sends nothing.

They connect as the KAFKA_* variables say (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
...): listing needs a principal that may read the group's dead-letter topic (the service's own, or the operator's),
replaying one that may write to the original topics: the operator's. A service's pod holds its own credentials
only: replay from a pod given the operator's (deploy/k8s/operator, RUNBOOK.md "MentorshipDeadLetters").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, KafkaError, UnknownTopicOrPartitionError
from mentorship_contracts import UnknownEventType, dead_letter_topic, decode, registered_events

from . import safe_errors
from .kafka import read_topic, refusal_behind, refusal_cause
from .kafka_access import platform_services
from .settings import KafkaSettings, configuration_checked

PREFIX = "x-dead-letter-"
# Why a message is set aside: not a valid event (or sealed data this consumer cannot open), or its handler kept failing.
INVALID, FAILED = "invalid", "failed"
REASONS = (INVALID, FAILED)


def headers(record, group: str, reason: str, error: Exception) -> dict[str, str]:
    original = {k: v.decode(errors="replace") for k, v in (record.headers or ()) if not k.startswith(PREFIX)}
    return {
        **original,
        # The headers the message had, as they were: publishing the dead letter adds its own beside them (a content
        # type of its own, a correlation id), which `show` and a replay leave out.
        f"{PREFIX}original-headers": json.dumps(original),
        f"{PREFIX}reason": reason,
        # The error told by its structure (type, field and kind of problem, SQLSTATE and constraint, where it was
        # raised), never its message: kept two weeks, out of reach of the person's erasure, so never a value it quoted.
        f"{PREFIX}error": safe_errors.describe(error, where=True)[:2000],
        f"{PREFIX}group": group,
        f"{PREFIX}topic": record.topic,
        f"{PREFIX}partition": str(record.partition),
        f"{PREFIX}offset": str(record.offset),
    }


async def read_all(client_options: dict[str, Any], group: str) -> list:
    """Every message now on the group's dead-letter topic, oldest first."""
    return (await read_topic(client_options, dead_letter_topic(group))).records


def _message(record) -> Any:
    """The message's value as JSON, or as text when it is not JSON (a producer's mistake is what sets some aside)."""
    try:
        return json.loads(record.value)
    except (TypeError, ValueError, RecursionError):  # nested too deep is one way a message is set aside
        return (record.value or b"").decode(errors="replace")


def _original_position(meta: dict[str, str], name: str) -> int | None:
    value = meta.get(f"{PREFIX}{name}")
    return int(value) if value and value.isdigit() else None


def _original_headers(meta: dict[str, str]) -> dict[str, str]:
    """The headers the message had on its own topic (all but ours, for a dead letter from before they were listed)."""
    listed = meta.get(f"{PREFIX}original-headers")
    return json.loads(listed) if listed is not None else {k: v for k, v in meta.items() if not k.startswith(PREFIX)}


def describe(record) -> dict:
    meta = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
    message = _message(record)
    named = message if isinstance(message, dict) else {}
    version = named.get("schema_version")
    event_type = meta.get("event_type") or (named.get("event_type") if isinstance(named.get("event_type"), str)
                                            else None)
    described = {
        "dead_letter_offset": record.offset,
        "dead_letter_partition": record.partition,
        "topic": meta.get(f"{PREFIX}topic"),
        "partition": _original_position(meta, "partition"),
        "offset": _original_position(meta, "offset"),
        "reason": meta.get(f"{PREFIX}reason"),
        "error": meta.get(f"{PREFIX}error"),
        "event_id": meta.get("event_id"),
        "event_type": event_type,
        "schema_version": version if isinstance(version, int) else None,
    }
    if ((meta.get(f"{PREFIX}error") or "").startswith(UnknownEventType.__name__) and described["event_type"]
            and described["schema_version"] is not None):
        # A consumer deployed before the version, or a producer sending one nobody published: the versions known
        # here tell which.
        described["known_versions"] = sorted(
            model.model_fields["schema_version"].default for model in registered_events()
            if model.model_fields["event_type"].default == described["event_type"])
    return described


def _an_event(value: bytes | None) -> bool:
    """Whether this build's contracts read the message as an event."""
    try:
        decode(value or b"")
    except Exception:  # noqa: BLE001 - whatever fails to decode is no event, as the consumer judged it
        return False
    return True


def shown(record) -> dict:
    """A dead letter's message as it was on its own topic: its position there, key, headers and value."""
    meta = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
    return {"topic": meta.get(f"{PREFIX}topic"), "partition": _original_position(meta, "partition"),
            "offset": _original_position(meta, "offset"),
            "key": record.key.decode(errors="replace") if record.key is not None else None,
            "headers": _original_headers(meta), "message": _message(record)}


async def to_replay(client_options: dict[str, Any], group: str,
                    offsets: set[int] | None = None) -> tuple[list, list[int]]:
    """The dead letters a replay republishes (those at `offsets`, or all), and the offsets of the invalid ones it
    leaves: what `replay` sends and `--dry-run` prints are one choice."""
    chosen = [r for r in await read_all(client_options, group) if offsets is None or r.offset in offsets]
    invalid = [r.offset for r in chosen
               if dict(r.headers or ()).get(f"{PREFIX}reason") == INVALID.encode() and not _an_event(r.value)]
    return [r for r in chosen if r.offset not in invalid], invalid


def planned(record) -> dict:
    """What replaying this dead letter does: the topic it is republished to under its key (the same partition while
    the topic keeps its partition count), where it was there, and why it was set aside."""
    meta = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
    return {"dead_letter_offset": record.offset, "topic": meta.get(f"{PREFIX}topic"),
            "partition": _original_position(meta, "partition"), "offset": _original_position(meta, "offset"),
            "key": record.key.decode(errors="replace") if record.key is not None else None,
            "reason": meta.get(f"{PREFIX}reason")}


async def replay(client_options: dict[str, Any], group: str, offsets: set[int] | None = None) -> tuple[int, list[int]]:
    """Republish dead letters to their original topics, but those refused as invalid; return how many were, and the
    offsets of the invalid ones left."""
    records, invalid = await to_replay(client_options, group, offsets)
    producer = AIOKafkaProducer(**client_options, enable_idempotence=True)
    await producer.start()
    try:
        for record in records:
            meta = {k: v for k, v in (record.headers or ())}
            kept = _original_headers({k: v.decode(errors="replace") for k, v in meta.items()})
            original_headers = [(k, v.encode()) for k, v in kept.items()]
            original_headers.append(("x-replayed-from", f"{record.topic}:{record.partition}:{record.offset}".encode()))
            await producer.send_and_wait(
                meta[f"{PREFIX}topic"].decode(), record.value, key=record.key, headers=original_headers
            )
    finally:
        await producer.stop()
    return len(records), invalid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dead-letters", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["list", "show", "replay"])
    parser.add_argument("--group", required=True, help="consumer group, e.g. matching")
    parser.add_argument("--offset", type=int, action="append",
                        help="the dead letter to show, or replay only these (their dead_letter_offset)")
    parser.add_argument("--dry-run", action="store_true",
                        help="replay: print what would be replayed (topic, partition, offset, key, reason), send nothing")
    parser.add_argument("--bootstrap", help="default: KAFKA_BOOTSTRAP_SERVERS")
    args = parser.parse_args(argv)
    if args.dry_run and args.command != "replay":
        parser.error("--dry-run goes with replay only")
    with configuration_checked("dead-letters"):
        settings = KafkaSettings(**({"kafka_bootstrap_servers": args.bootstrap} if args.bootstrap else {}))
        options = settings.kafka_client_options()
    try:
        if args.command in ("list", "show"):
            records = asyncio.run(read_all(options, args.group))
            if args.command == "show":
                return _show(records, args.group, args.offset)
            for record in records:
                print(json.dumps(describe(record)))
            if not records:
                print(f"no dead letters for group {args.group}", file=sys.stderr)
            return 0
        offsets = set(args.offset) if args.offset else None
        if args.dry_run:  # reads the dead-letter topic only: no producer, so nothing can be sent
            records, invalid = asyncio.run(to_replay(options, args.group, offsets))
            for record in records:
                print(json.dumps(planned(record)))
            count = len(records)
        else:
            count, invalid = asyncio.run(replay(options, args.group, offsets))
    except KafkaConnectionError:
        print(f"dead-letters: no broker answers at {settings.kafka_bootstrap_servers} over "
              f"{settings.kafka_security_protocol} (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL; locally: eval "
              "\"$(uv run python -m devinfra kafka-env)\")", file=sys.stderr)
        return 1
    except UnknownTopicOrPartitionError:
        print(f"dead-letters: no dead-letter topic for group {args.group!r} ({dead_letter_topic(args.group)}): the "
              f"platform's groups are {', '.join(platform_services())}", file=sys.stderr)
        return 1
    except KafkaError as error:
        refusal = asyncio.run(refusal_behind(error, options))
        if refusal is None:
            raise
        reading = "listing reads the group's dead-letter topic, as its service or the operator"
        needed = reading if args.command != "replay" or args.dry_run else (
            "replaying writes to the original topics, which only the operator's principal may (RUNBOOK.md, "
            "MentorshipDeadLetters)")
        print(f"dead-letters: Kafka refuses principal {settings.kafka_sasl_username!r}: "
              f"{refusal_cause(refusal, needed)}", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"dry run: would replay {count} dead letter(s) of group {args.group}; nothing was sent")
    else:
        print(f"replayed {count} dead letter(s) of group {args.group}")
    if invalid:
        left = "would not be replayed" if args.dry_run else "not replayed"
        print(f"dead-letters: {left}, refused as invalid: offset(s) {', '.join(map(str, invalid))}; every "
              "consumer would refuse them again and every subscriber of their topic would read them: mend their "
              f"producer (dead-letters show --group {args.group} --offset N says what was wrong)", file=sys.stderr)
    return 1 if invalid and args.offset else 0


def _show(records: list, group: str, offsets: list[int] | None) -> int:
    if not offsets or len(offsets) != 1:
        print("dead-letters: show takes one --offset (a dead_letter_offset from list)", file=sys.stderr)
        return 2
    found = [r for r in records if r.offset == offsets[0]]
    if not found:
        there = ", ".join(str(r.offset) for r in records) or "none"
        print(f"dead-letters: group {group} has no dead letter at offset {offsets[0]} (its offsets: {there})",
              file=sys.stderr)
        return 1
    print(json.dumps(shown(found[0]), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
