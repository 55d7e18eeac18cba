"""The moment between the record that a message is being handed to the SMTP server and the message's end: a crash
there loses the message (the server drops one that never ended, and one recorded as handed over is never resent).
It is no longer than writing a COMMIT and five bytes: the message ends as soon as its record's COMMIT is on its way,
without waiting for PostgreSQL's answer, which a loaded machine or a slow network can take milliseconds to bring."""

from __future__ import annotations

import asyncio
import contextlib
import time
from uuid import uuid4

from aiosmtpd.smtp import SMTP
from devinfra.smtp_sink import MAIL_FROM
from mentorship_contracts import profiles as pr
from notifications.adapters.email import SmtpMailer
from notifications.bootstrap import MIGRATIONS
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate
from plumbing.testing import ProxiedConnection, TcpProxy, eventually, free_port

from ..unit.samples import renderer


class CommitAnswerWithheld(TcpProxy):
    """A proxy in front of PostgreSQL that withholds, until `release`, the answer to the COMMIT of the first
    transaction that records a hand-over: PostgreSQL has made the record, its sender has not heard so."""

    def __init__(self, target_port: int) -> None:
        super().__init__(target_port)
        self.commit_sent_at: float | None = None
        self.release = asyncio.Event()

    async def to_server(self, connection: ProxiedConnection, data: bytes) -> None:
        if b"SET handed_at = now()" in data:
            connection.notes["records a hand-over"] = True
        if connection.notes.get("records a hand-over") and b"COMMIT" in data and self.commit_sent_at is None:
            self.commit_sent_at = time.monotonic()
            connection.notes["withholding"] = True
        await super().to_server(connection, data)

    async def to_client(self, connection: ProxiedConnection, data: bytes) -> None:
        if connection.notes.get("withholding"):
            await self.release.wait()
        await super().to_client(connection, data)

    async def stop(self) -> None:
        self.release.set()
        await super().stop()


class Sink:
    def __init__(self) -> None:
        self.received_at: list[float] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.received_at.append(time.monotonic())
        return "250 Message accepted for delivery"


async def test_a_message_has_ended_at_the_smtp_server_before_its_hand_over_is_answered_so_a_crash_then_loses_nothing(
        postgres_server):
    dsn = postgres_server.create_database(f"notifications_gap_{uuid4().hex[:8]}")
    direct = await create_pool(dsn)
    await migrate(direct, PLUMBING_MIGRATIONS, MIGRATIONS)
    proxy = CommitAnswerWithheld(int(dsn.rsplit(":", 1)[1].split("/")[0]))
    proxied = await create_pool(dsn.replace(f":{proxy.target_port}/", f":{await proxy.start()}/"))
    sink, smtp_port = Sink(), free_port()
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(sink), "127.0.0.1", smtp_port)
    mailer = SmtpMailer("127.0.0.1", smtp_port, MAIL_FROM)
    person = uuid4()
    await handlers.contact_details_changed(pr.ContactDetailsChanged(
        person_id=person, chapter_id=None, display_name="Gus Gap", email="gus@example.org"),
        NotificationsUnitOfWork(direct))
    await handlers.person_registered(pr.PersonRegistered(person_id=person, chapter_id=None, stage="undergraduate"),
                                     NotificationsUnitOfWork(direct))
    sending = asyncio.create_task(dispatch_due(lambda: NotificationsUnitOfWork(proxied), renderer(), mailer,
                                               DispatchPolicy(welcome_grace_seconds=0)))
    try:
        async def handed_over() -> bool:
            return bool(await direct.fetchval(
                "SELECT handed_at IS NOT NULL FROM notifications WHERE person_id = $1", person))

        # PostgreSQL holds the record that the welcome is being handed over; its sender has not heard so. Killed
        # now, the sender would leave it unconfirmed, never resent: the server must have it whole already.
        await eventually(handed_over, timeout=30, what="the hand-over to be recorded")
        await eventually(lambda: sink.received_at, timeout=10,
                         what="the SMTP server to have the whole message while the record's COMMIT is unanswered")
        assert proxy.commit_sent_at is not None and proxy.commit_sent_at < sink.received_at[0]
        proxy.release.set()
        dispatched = await asyncio.wait_for(sending, 30)
        assert dict(dispatched.outcomes) == {"sent": 1}
        assert await direct.fetchval("SELECT status FROM notifications WHERE person_id = $1", person) == "sent"
        assert len(sink.received_at) == 1
    finally:
        proxy.release.set()
        sending.cancel()
        with contextlib.suppress(BaseException):
            await sending
        await mailer.close()
        server.close()
        await proxied.close()
        await proxy.stop()
        await direct.close()
