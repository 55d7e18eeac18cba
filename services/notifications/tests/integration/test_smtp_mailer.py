"""The SMTP adapter against a real SMTP server (aiosmtpd): connections kept open between messages, a connection
the server dropped replaced without losing the message, a refused recipient reported and the next one sent, and
STARTTLS taken when offered, with the server's certificate verified, and credentials given under TLS only."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from pathlib import Path
from uuid import uuid4

import aiosmtplib
import pytest
from aiosmtpd.smtp import SMTP, AuthResult
from devinfra.tls import certificate_for_localhost
from notifications.adapters.email import SmtpMailer
from notifications.domain.model import ClaimLost, Email
from plumbing.testing import free_port


class CountingServer:
    """Counts the connections made to it (each opens with EHLO) and keeps what it is given."""

    def __init__(self, refuse: str | None = None, pipelining: bool = False,
                 tls: ssl.SSLContext | None = None, login: tuple[str, str] | None = None) -> None:
        self.connections = 0
        self.login = login  # with one, a session must authenticate with it before mail (AUTH PLAIN or LOGIN)
        self.authentications: list[tuple[str, bool]] = []  # (user, whether under TLS), each attempt
        self.pipelining = pipelining
        self.received: list[str] = []
        self.encrypted: list[bool] = []  # per message received: whether its session was under TLS
        self.sessions: list[SMTP] = []
        self._refuse = refuse
        self._tls = tls

    def session(self) -> SMTP:
        # With a certificate, the server offers STARTTLS and refuses any mail before it.
        self.sessions.append(SMTP(self, tls_context=self._tls, require_starttls=self._tls is not None,
                                  auth_required=self.login is not None, auth_require_tls=False,
                                  authenticator=self._authenticate))
        return self.sessions[-1]

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.authentications.append((user, session.ssl is not None))
        return AuthResult(success=(user, password) == self.login, handled=False)

    def drop_connections(self) -> None:
        for session in self.sessions:
            if session.transport is not None:
                session.transport.close()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 (aiosmtpd's hook)
        self.connections += 1
        session.host_name = hostname
        # aiosmtpd reads each command as it comes, so it answers pipelined commands in order; it just does not say.
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:] if self.pipelining else responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self._refuse:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.extend(envelope.rcpt_tos)
        self.encrypted.extend(session.ssl is not None for _ in envelope.rcpt_tos)
        return "250 Message accepted for delivery"


async def serve(handler: CountingServer, port: int) -> asyncio.Server:
    return await asyncio.get_running_loop().create_server(handler.session, "127.0.0.1", port)


def email(to: str) -> Email:
    return Email(to=to, subject="Hello", text="Hello", html="<p>Hello</p>",
                 message_id=f"<{uuid4()}@mentorship.example>")


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command at a time", "pipelined"])
async def test_one_connection_carries_message_after_message(pipelining):
    handler, port = CountingServer(pipelining=pipelining), free_port()
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


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command at a time", "pipelined"])
async def test_a_connection_the_server_dropped_is_replaced_and_the_message_still_sent(pipelining):
    handler, port = CountingServer(pipelining=pipelining), free_port()
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


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command at a time", "pipelined"])
async def test_a_refused_recipient_is_reported_and_the_next_message_goes_through(pipelining):
    handler, port = CountingServer(refuse="nobody@example.org", pipelining=pipelining), free_port()
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


class Recording(asyncio.Protocol):
    """A server that offers PIPELINING and keeps each chunk it reads (on loopback, one write is one read)."""

    reads: list[bytes] = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 test\r\n")

    def data_received(self, data):
        Recording.reads.append(data)
        if data.startswith(b"EHLO"):
            self.transport.write(b"250-test\r\n250 PIPELINING\r\n")
        elif data.startswith(b"MAIL"):
            self.transport.write(b"250 OK\r\n" * (data.count(b"\r\n") - 1) + b"354 Go ahead\r\n")
        elif data.endswith(b"\r\n.\r\n"):
            self.transport.write(b"250 Queued\r\n")
        elif data.startswith(b"QUIT"):
            self.transport.write(b"221 Bye\r\n")


async def test_a_server_offering_pipelining_gets_the_envelope_in_one_write_and_hears_of_the_message_twice():
    port = free_port()
    Recording.reads = []
    server = await asyncio.get_running_loop().create_server(Recording, "127.0.0.1", port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>")
    handed_over = []

    async def hand_over():
        handed_over.append(len(Recording.reads))
        return True

    try:
        await mailer.send(email("person@example.org"), hand_over)
        envelope, message = Recording.reads[1:]
        assert envelope == (b"MAIL FROM:<noreply@mentorship.example>\r\nRCPT TO:<person@example.org>\r\n"
                            b"DATA\r\n")
        assert handed_over == [2]  # after the server said 354, before the message
        assert message.startswith(b"From: ") and message.endswith(b"\r\n.\r\n")
    finally:
        await mailer.close()
        server.close()


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command at a time", "pipelined"])
async def test_a_message_whose_claim_lapsed_is_not_sent_and_the_next_one_is(pipelining):
    handler, port = CountingServer(pipelining=pipelining), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>")

    async def lapsed():
        return False

    try:
        with pytest.raises(ClaimLost):
            await mailer.send(email("lapsed@example.org"), lapsed)
        await mailer.send(email("next@example.org"))
        assert handler.received == ["next@example.org"]
    finally:
        await mailer.close()
        server.close()


async def test_a_server_that_is_not_there_is_reported_as_a_failed_connection():
    mailer = SmtpMailer("127.0.0.1", free_port(), "Mentorship <noreply@mentorship.example>")
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await mailer.send(email("person@example.org"))


@pytest.mark.parametrize("pipelining", [False, True], ids=["one command at a time", "pipelined"])
async def test_a_server_offering_starttls_gets_every_message_encrypted_on_one_connection(tmp_path, pipelining):
    server_tls, certificate = certificate_for_localhost(tmp_path)
    handler, port = CountingServer(pipelining=pipelining, tls=server_tls), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>",
                        tls=ssl.create_default_context(cafile=certificate))
    try:
        for n in range(3):
            await mailer.send(email(f"person{n}@example.org"))
        assert handler.received == [f"person{n}@example.org" for n in range(3)]
        assert handler.encrypted == [True, True, True]
        assert handler.connections == 2, "one connection: EHLO, then EHLO again under TLS"
    finally:
        await mailer.close()
        server.close()


async def test_a_server_whose_certificate_is_not_trusted_gets_no_message(tmp_path):
    server_tls, _ = certificate_for_localhost(tmp_path)
    handler, port = CountingServer(tls=server_tls), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>")  # the system's CAs only
    try:
        with pytest.raises(ssl.SSLCertVerificationError):
            await mailer.send(email("person@example.org"))
        assert handler.received == []
    finally:
        await mailer.close()
        server.close()


LOGIN = ("mentorship", "s3cret")


@contextlib.asynccontextmanager
async def asking_for_credentials(tmp_path: Path, given: tuple[str, str]):
    """A server under TLS that asks for `LOGIN`, and a mailer that trusts it and gives `given`."""
    server_tls, certificate = certificate_for_localhost(tmp_path)
    handler, port = CountingServer(tls=server_tls, login=LOGIN), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>",
                        tls=ssl.create_default_context(cafile=certificate), credentials=given)
    try:
        yield handler, mailer
    finally:
        await mailer.close()
        server.close()


async def test_a_server_asking_for_credentials_is_given_them_under_tls_once_per_connection(tmp_path):
    async with asking_for_credentials(tmp_path, LOGIN) as (handler, mailer):
        for n in range(3):
            await mailer.send(email(f"person{n}@example.org"))
        assert handler.received == [f"person{n}@example.org" for n in range(3)]
        assert handler.authentications == [("mentorship", True)]


async def test_a_refused_password_is_the_servers_no_and_no_message_goes(tmp_path):
    async with asking_for_credentials(tmp_path, ("mentorship", "wrong")) as (handler, mailer):
        with pytest.raises(aiosmtplib.SMTPAuthenticationError):
            await mailer.send(email("person@example.org"))
        assert handler.received == []


async def test_credentials_are_never_sent_to_a_server_that_offers_no_tls():
    handler, port = CountingServer(login=LOGIN), free_port()
    server = await serve(handler, port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <noreply@mentorship.example>", credentials=LOGIN)
    try:
        with pytest.raises(aiosmtplib.SMTPException, match="TLS"):
            await mailer.send(email("person@example.org"))
        assert handler.authentications == [] and handler.received == []
    finally:
        await mailer.close()
        server.close()
