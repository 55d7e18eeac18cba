"""The SMTP adapter against a real SMTP server (aiosmtpd): connections kept open between messages, a connection
the server dropped replaced without losing the message, a refused recipient reported and the next one sent."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import aiosmtplib
import pytest
from aiosmtpd.smtp import SMTP
from notifications.adapters.email import SmtpMailer
from notifications.domain.model import Email
from plumbing.testing import free_port


class CountingServer:
    """Counts the connections made to it (each opens with EHLO) and keeps what it is given."""

    def __init__(self, refuse: str | None = None) -> None:
        self.connections = 0
        self.received: list[str] = []
        self.sessions: list[SMTP] = []
        self._refuse = refuse

    def session(self) -> SMTP:
        self.sessions.append(SMTP(self))
        return self.sessions[-1]

    def drop_connections(self) -> None:
        for session in self.sessions:
            if session.transport is not None:
                session.transport.close()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 (aiosmtpd's hook)
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self._refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


async def serve(handler: CountingServer, port: int) -> asyncio.Server:
    return await asyncio.get_running_loop().create_server(handler.session, "127.0.0.1", port)


def email(to: str) -> Email:
    return Email(to=to, subject="Hello", text="Hello", html="<p>Hello</p>",
                 message_id=f"<{uuid4()}@mentorship.example>")


async def test_one_connection_carries_message_after_message():
    handler, port = CountingServer(), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>")
    try:
        for n in range(5):
            await mailer.send(email(f"person{n}@example.org"))
        assert handler.received == [f"person{n}@example.org" for n in range(5)]
        assert handler.connections == 1
    finally:
        await mailer.close()
        server.close()


async def test_a_connection_the_server_dropped_is_replaced_and_the_message_still_sent():
    handler, port = CountingServer(), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>")
    try:
        await mailer.send(email("first@example.org"))
        handler.drop_connections()  # as a server does with a connection idle too long
        await mailer.send(email("second@example.org"))
        assert handler.received == ["first@example.org", "second@example.org"] and handler.connections == 2
    finally:
        await mailer.close()
        server.close()


async def test_a_refused_recipient_is_reported_and_the_next_message_goes_through():
    handler, port = CountingServer(refuse="nobody@example.org"), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>")
    try:
        with pytest.raises(aiosmtplib.SMTPRecipientRefused):
            await mailer.send(email("nobody@example.org"))
        await mailer.send(email("somebody@example.org"))
        assert handler.received == ["somebody@example.org"]
    finally:
        await mailer.close()
        server.close()
