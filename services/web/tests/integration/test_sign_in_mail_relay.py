"""The web app sends its sign-in emails itself: to a relay that asks for credentials (a hosted one does) it gives them,
under TLS with the relay's certificate verified, and never without TLS."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult
from devinfra.tls import certificate_for_localhost
from plumbing.testing import free_port
from prometheus_client import CollectorRegistry
from web.adapters.mailer import SmtpMailer

LOGIN = ("mentorship", "s3cret")


class Relay:
    """A relay that asks for `LOGIN` before it takes mail; with a certificate, it offers STARTTLS."""

    def __init__(self, tls: ssl.SSLContext | None) -> None:
        self._tls = tls
        self.authentications: list[tuple[str, bool]] = []  # (user, whether under TLS)
        self.received: list[str] = []

    def session(self) -> SMTP:
        return SMTP(self, tls_context=self._tls, auth_required=True, auth_require_tls=False,
                    authenticator=self._authenticate)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        self.authentications.append((auth_data.login.decode(), session.ssl is not None))
        return AuthResult(success=(auth_data.login.decode(), auth_data.password.decode()) == LOGIN, handled=False)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


@contextlib.asynccontextmanager
async def relay_and_mailer(tmp_path: Path, tls: bool):
    server_tls, certificate = certificate_for_localhost(tmp_path)
    relay, port = Relay(server_tls if tls else None), free_port()
    server = await asyncio.get_running_loop().create_server(relay.session, "127.0.0.1", port)
    mailer = SmtpMailer("127.0.0.1", port, "Mentorship <no-reply@mentorship.example>", 10, CollectorRegistry(),
                        credentials=LOGIN, tls=ssl.create_default_context(cafile=certificate))
    try:
        yield relay, mailer
    finally:
        server.close()


async def test_a_relay_asking_for_credentials_is_given_them_under_tls_and_takes_the_sign_in_email(tmp_path):
    async with relay_and_mailer(tmp_path, tls=True) as (relay, mailer):
        assert await mailer.send("sam@example.org", "Your sign-in link", "text", "<p>html</p>", language="en")
    assert relay.authentications == [("mentorship", True)] and relay.received == ["sam@example.org"]


async def test_credentials_are_never_given_to_a_relay_that_offers_no_tls(tmp_path):
    async with relay_and_mailer(tmp_path, tls=False) as (relay, mailer):
        assert not await mailer.send("sam@example.org", "Your sign-in link", "text", "<p>html</p>", language="en")
    assert relay.authentications == [] and relay.received == []
