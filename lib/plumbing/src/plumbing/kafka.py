"""Small Kafka helpers shared by the plumbing: every client is made from the settings' options (address and
credentials), FastStream's broker included."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.conn import AIOKafkaConnection, CloseReason, collect_hosts, create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    AuthenticationMethodNotSupported,
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    IllegalSaslStateError,
    KafkaConnectionError,
    SaslAuthenticationFailed,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
    UnsupportedSaslMechanismError,
    for_code,
)
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from .settings import KafkaSettings, tls_context

log = logging.getLogger(__name__)

_SASL = {"SCRAM-SHA-512": SASLScram512, "SCRAM-SHA-256": SASLScram256, "PLAIN": SASLPlaintext}

# The broker does not take the principal's credentials, or its ACLs do not allow what the principal asked: waiting
# does not cure either, an operator does.
AUTHENTICATION_FAILED = (SaslAuthenticationFailed, AuthenticationFailedError, AuthenticationMethodNotSupported,
                         UnsupportedSaslMechanismError, IllegalSaslStateError)
AUTHORIZATION_FAILED = (TopicAuthorizationFailedError, GroupAuthorizationFailedError, ClusterAuthorizationFailedError,
                        TransactionalIdAuthorizationFailed)


def broker_security(settings: KafkaSettings) -> BaseSecurity | None:
    """FastStream's form of the settings' credentials (it also documents them in the AsyncAPI document)."""
    protocol = settings.kafka_security_protocol
    context = tls_context(settings.kafka_ssl_ca_file) if protocol.endswith("SSL") else None
    if protocol.startswith("SASL"):
        assert settings.kafka_sasl_username and settings.kafka_sasl_password, "checked when the settings were made"
        return _SASL[settings.kafka_sasl_mechanism](settings.kafka_sasl_username,
                                                   settings.kafka_sasl_password.get_secret_value(),
                                                   ssl_context=context, use_ssl=context is not None)
    return BaseSecurity(ssl_context=context, use_ssl=True) if context else None


REFUSAL_PROBE_TIMEOUT_MS = 5000


async def refusal_behind(error: BaseException, client_options: dict[str, Any]) -> BaseException | None:
    """The broker's refusal `error` stands for, if it is one (`AUTHENTICATION_FAILED`, `AUTHORIZATION_FAILED`);
    None when Kafka is only unreachable. aiokafka's clients hide a refused authentication behind "Unable to bootstrap"
    (their own log says why): one connection to a bootstrap server, made as theirs are, tells which it is."""
    if isinstance(error, AUTHENTICATION_FAILED + AUTHORIZATION_FAILED):
        return error
    if not isinstance(error, KafkaConnectionError):
        return None
    # Briefly: a broker cut off by the network would otherwise hold the retry back for the clients' 40 s.
    connection = {key: value for key, value in client_options.items() if key != "bootstrap_servers"}
    connection["request_timeout_ms"] = REFUSAL_PROBE_TIMEOUT_MS
    for host, port, _ in collect_hosts(client_options["bootstrap_servers"]):
        try:
            conn = await create_conn(host, port, **connection)
        except AUTHENTICATION_FAILED as refused:
            return refused
        except Exception:  # noqa: BLE001 - this one is unreachable: ask the next
            continue
        conn.close()
    return None


def refusal_cause(refusal: BaseException, when_not_allowed: str) -> str:
    """What a refusal means and what to check, for a log line or a command's error; `when_not_allowed` says what to do
    about ACLs that do not allow what was asked."""
    if isinstance(refusal, AUTHENTICATION_FAILED):
        return ("authentication failed: check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM against "
                "the broker's SCRAM user")
    return f"authorization failed ({type(refusal).__name__}: {refusal}): {when_not_allowed}"


def treat_closed_transports_as_lost_connections() -> None:
    """Make a write to a connection already closed under it a lost connection for aiokafka, as under plain asyncio.

    aiokafka takes an OSError from a write as a lost connection: it closes it and raises KafkaConnectionError, which
    its background tasks retry. uvloop (which uvicorn runs the services on) raises RuntimeError("unable to perform
    operation on <TCPTransport closed=True ...>; the handler is closed") instead, when a reset (a broker restarted, a
    connection cut) closed the transport before aiokafka's reader saw it. That error ended the task that met it, the
    fetcher, the group coordinator or the producer's sender, while the client stayed up: a consumer kept its
    partitions and took nothing more, for good (aio-libs/aiokafka#1038; seen in the fault harness). Both of
    aiokafka's writes are covered: requests, and the SASL tokens of a connection's handshake. Idempotent."""
    for name in ("send", "_send_sasl_token"):
        original = getattr(AIOKafkaConnection, name)
        if not getattr(original, "treats_closed_transports_as_lost", False):
            setattr(AIOKafkaConnection, name, _closed_transport_is_a_lost_connection(original))


def producer_stopped_sending(broker: Any) -> bool:
    """Whether the task through which aiokafka's producer (under FastStream's broker) sends has ended. It ends only on
    an unexpected error, and the producer stays up without it: sends then fail at once with that error, or, if the
    task was cancelled, wait for ever. Nothing in aiokafka starts it again."""
    state = getattr(getattr(broker, "_producer", None), "_producer", None)
    if not state:  # not connected (yet, or any more): there is no sender
        return False
    sender = getattr(state.producer, "_sender", None)
    task = getattr(sender, "sender_task", None)
    return task is not None and task.done()


def _closed_transport_is_a_lost_connection(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def guarded(connection: AIOKafkaConnection, *args: Any, **kwargs: Any) -> Any:
        try:
            return write(connection, *args, **kwargs)
        except RuntimeError as error:
            if "handler is closed" not in str(error):
                raise
            log.warning("a write to a Kafka connection closed under it: taken as a lost connection",
                        extra={"broker": f"{connection.host}:{connection.port}"})
            connection.close(reason=CloseReason.CONNECTION_BROKEN)
            raise KafkaConnectionError(f"Connection at {connection.host}:{connection.port} broken: {error}") from error

    guarded.treats_closed_transports_as_lost = True  # type: ignore[attr-defined]
    return guarded


async def partitions_of(client_options: dict[str, Any], topics: list[str], strict: bool = False
                        ) -> list[TopicPartition]:
    """Every partition of the given topics that exist (a plain consumer learns them only once subscribed); `strict`,
    the broker's error for a topic it does not have or refuses to describe to this principal, raised."""
    admin = AIOKafkaAdminClient(**client_options)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    refused = next((t for t in described if t.get("error_code")), None) if strict else None
    if refused is not None:
        raise for_code(refused["error_code"])(f"topic {refused['topic']}")
    return sorted(
        (TopicPartition(t["topic"], p["partition"]) for t in described if not t.get("error_code") for p in t["partitions"]),
        key=lambda tp: (tp.topic, tp.partition),
    )


@dataclass(frozen=True)
class TopicRead:
    """What a topic holds, oldest first; `gap`: the topic no longer keeps all of what was asked for (it deleted
    older messages, and what it keeps begins after `since`)."""

    records: list
    gap: bool


async def read_topic(client_options: dict[str, Any], topic: str, since: datetime | None = None) -> TopicRead:
    """Every message on `topic` from `since` (its producer's timestamp; None: from the oldest kept) to the end it has
    now, oldest first, read without a consumer group (nothing committed, no group's ACL needed)."""
    consumer = AIOKafkaConsumer(**client_options, enable_auto_commit=False)
    try:
        await consumer.start()
        tps = await partitions_of(client_options, [topic], strict=True)
        consumer.assign(tps)
        beginnings, ends = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
        starts = dict(beginnings)
        gap = False
        if since is not None:
            found = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in tps})
            for tp in tps:
                starts[tp] = ends[tp] if found[tp] is None else found[tp].offset
                # The oldest kept is already at or after `since`, and older ones were deleted: some may have been too.
                gap = gap or (beginnings[tp] > 0 and starts[tp] == beginnings[tp])
        for tp in tps:
            consumer.seek(tp, starts[tp])
        records: list = []
        while [tp for tp in tps if await consumer.position(tp) < ends[tp]]:
            for tp, messages in (await consumer.getmany(timeout_ms=1000)).items():
                records.extend(m for m in messages if m.offset < ends[tp])
        return TopicRead(sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset)), gap)
    finally:
        await consumer.stop()
