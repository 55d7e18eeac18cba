"""The sign-in email, sent by the web app itself over SMTP: the link never travels on Kafka, and is never logged."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import aiosmtplib
from prometheus_client import CollectorRegistry, Counter

log = logging.getLogger(__name__)


class SmtpMailer:
    """Credentials, when given, go under TLS only (STARTTLS, the relay's certificate verified against `tls`'s CAs, the
    system's unless given): to a relay that offers no TLS no message goes."""

    def __init__(self, host: str, port: int, sender: str, timeout: float, registry: CollectorRegistry,
                 credentials: tuple[str, str] | None = None, tls: ssl.SSLContext | None = None,
                 named: Callable[[str], str] | None = None) -> None:
        """`named`: the platform's name in a language, the sender's name where `sender` (MAIL_FROM) gives none, so
        that a message in Spanish comes from "Mentoría en medicina"."""
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._named = named if not parseaddr(sender)[0] else None
        self._credentials, self._tls = credentials, tls
        # Nobody signs in while the server refuses: the operator is alerted by this (deploy/monitoring).
        self._sent = Counter("sign_in_emails_total", "Sign-in emails, by whether the SMTP server took them: sent, "
                             "refused", ["outcome"], registry=registry)
        for outcome in ("sent", "refused"):  # from 0, so that the first refusal is a rise Prometheus sees
            self._sent.labels(outcome)

    async def send(self, to: str, subject: str, text: str, html: str, *, language: str) -> bool:
        """Send one message in `language`; False (logged without the address or the content) when the server refuses
        it."""
        message = EmailMessage()
        message["From"] = formataddr((self._named(language), parseaddr(self._sender)[1])) if self._named else self._sender
        message["To"] = to
        message["Subject"] = subject
        # Neither aiosmtplib nor every relay adds these, and providers drop or bin a message without a date and an id
        # of its own: this one is the only way in.
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=parseaddr(self._sender)[1].rpartition("@")[2] or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        message["Content-Language"] = language  # after the parts: making them moves every Content- header into one
        try:
            username, password = self._credentials or (None, None)
            # The envelope names `to` alone: the server is not left to read recipients from the headers.
            await aiosmtplib.send(message, recipients=[to], hostname=self._host, port=self._port, timeout=self._timeout,
                                  username=username, password=password, tls_context=self._tls,
                                  start_tls=True if self._credentials else None)
        except (aiosmtplib.SMTPException, OSError) as error:
            log.warning("sign-in email not sent", extra={"error_type": type(error).__name__})
            self._sent.labels("refused").inc()
            return False
        self._sent.labels("sent").inc()
        return True
