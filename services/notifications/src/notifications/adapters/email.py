"""Rendering (what each kind says, laid out in HTML and plain text, with its calendar entry) and sending over SMTP
with aiosmtplib: every header built from safe text, DKIM-signed when a key is configured, with one-click unsubscribe
(RFC 8058) where the reader may opt out."""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import ssl
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from email.charset import Charset
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache, lru_cache
from typing import Any

import aiosmtplib
import dkim
from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from plumbing.calendar import CalendarEntry, Method, to_ics

from ..domain.model import Attachment, ClaimLost, DeliveryUncertain, Email, Notification, category_of, message_id
from ..domain.text import is_address, one_line
from ..service_layer.ports import HandOver
from .i18n import Reader
from .links import Links
from .messages import compose, frame, platform_name, readers_links
from .smtp import SmtpConnection
from .unsubscribe import UnsubscribeTokens

SUBJECT_LIMIT = 250


class Undeliverable(Exception):
    """The message cannot be written as an email (the recipient's address is not one): sending it again cannot
    help, so it fails at once."""


@cache
def _template(name: str) -> Template:
    environment = Environment(loader=PackageLoader("notifications", "templates"),
                              autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return environment.get_template(name)


class Renderer:
    """Turns a notification and what it needs to say into an email in the reader's language and time zone: subject,
    both bodies, the link to act, the unsubscribe link, the calendar entry."""

    def __init__(self, links: Links, tokens: UnsubscribeTokens, mail_from: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._links = links
        self._tokens = tokens
        self._organizer = parseaddr(mail_from)[1]
        self._clock = clock

    def __call__(self, notification: Notification, context: dict[str, Any]) -> Email:
        recipient = context["recipient"]
        if not is_address(recipient["email"]):
            raise Undeliverable("the recipient's address cannot be written in a header")
        reader = Reader.of(recipient)
        message = compose(notification.kind, context, reader, self._links, self._clock())
        unsubscribe_url = None
        if category_of(notification.kind, notification.parameters).can_opt_out:
            unsubscribe_url = readers_links(self._links, context).unsubscribe(self._tokens.issue(notification.id))
        values = {"message": message, "frame": frame(notification.kind, context, reader, self._links),
                  "unsubscribe_url": unsubscribe_url, "language": reader.language}
        attachments: tuple[Attachment, ...] = ()
        if message.calendar:
            entry = replace(message.calendar.entry, organizer=self._organizer, attendee=recipient["email"])
            method = message.calendar.method
            attachments = (Attachment(message.calendar.filename, f"text/calendar; method={method.value}",
                                      self._calendar(entry, method)),)
        return Email(
            to=recipient["email"],
            to_name=one_line(recipient.get("display_name"), 100),
            subject=message.subject,
            text=_template("layout.txt").render(values),
            html=_template("layout.html").render(values),
            message_id=message_id(notification.id),
            unsubscribe_url=unsubscribe_url,
            attachments=attachments,
            language=reader.language,
            sender_name=platform_name(reader),
        )


    def _calendar(self, entry: CalendarEntry, method: Method) -> bytes:
        """The entry's calendar for its attendee. All but the attendee is the same for every reader of one message
        (an announcement to thousands), and building it took most of the time of rendering: it is built once a
        minute per entry and method (DTSTAMP is that minute), and each reader's ATTENDEE line put in."""
        if entry.attendee is None or not entry.attendee.isascii():
            return to_ics([entry], method=method)
        minute = int(self._clock().timestamp() // 60) * 60
        calendar = _calendar_for_all(replace(entry, attendee=None), method, minute)
        attendee = _content_line(f"ATTENDEE;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{entry.attendee}")
        return calendar.replace(b"END:VEVENT\r\n", attendee + b"END:VEVENT\r\n", 1)


@lru_cache(maxsize=256)
def _calendar_for_all(entry: CalendarEntry, method: Method, minute: int) -> bytes:
    return to_ics([entry], method=method, stamp=datetime.fromtimestamp(minute, UTC))


def _content_line(line: str) -> bytes:
    """An iCalendar content line folded as RFC 5545 asks: 75 octets, then a space and 74 on each following line."""
    data = line.encode()
    parts = [data[:75]] + [b" " + data[i:i + 74] for i in range(75, len(data), 74)]
    return b"\r\n".join(parts) + b"\r\n"


def fold_unstructured(name: str, text: str, linesep: str = "\r\n", width: int = 78) -> str:
    """A text header, folded so that its first line always carries text after the name (a parser that keeps the
    whitespace of an empty first line gives a subject with a leading space, as Python's own generator can cause).
    ASCII is folded at spaces; anything else (or text that looks like an encoded word) is encoded as UTF-8 encoded
    words (RFC 2047), none longer than 75 characters."""
    if text.isascii() and "=?" not in text:
        words = text.split(" ")
        lines = [f"{name}: {words[0]}"]
        for word in words[1:]:
            if len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(" " + word)
        return linesep.join(lines) + linesep
    return f"{name}: " + (linesep + " ").join(encoded_words(text)) + linesep


def encoded_words(text: str) -> list[str]:
    """Text as UTF-8 encoded words (RFC 2047), none longer than 75 characters, no character split."""
    chunks: list[bytes] = []
    current = b""
    for character in text:
        encoded = character.encode()
        if len(current) + len(encoded) > (39 if not chunks else 45):  # 52 or 60 base64 characters
            chunks.append(current)
            current = b""
        current += encoded
    chunks.append(current)
    return [f"=?utf-8?b?{base64.b64encode(chunk).decode()}?=" for chunk in chunks]


def _mailbox(name: str, address: str) -> str:
    """`Name <address>` as a header writes it: a name of plain ASCII quoted where it must be, any other (or one that
    looks like an encoded word) one encoded word (a name is at most 100 characters: the line stays under 998)."""
    if not name:
        return address
    if name.isascii() and "=?" not in name:
        return formataddr((name, address))
    return f"{Charset('utf-8').header_encode(name)} <{address}>"


def _quoted_printable(text: str) -> bytes:
    """A body part as quoted-printable UTF-8 with CRLF line ends, no line longer than 76 characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    body = (text if text.endswith("\n") else text + "\n").replace("\n", "\r\n").encode()
    return binascii.b2a_qp(body, istext=True)


def _base64(content: bytes) -> bytes:
    return base64.encodebytes(content).replace(b"\n", b"\r\n")


def mime(sender: str, email: Email, now: datetime) -> bytes:
    """The message as it goes over SMTP, written directly: text and HTML alternatives, then any attachment (a
    calendar entry). The `email` package's EmailMessage took 8-30 ms a message to build and write (its header
    registry parses and refolds every header); this takes about 1/30 of that.
    Every header is from safe text: the address is one, the name and the subject one line."""
    if not is_address(email.to):
        raise Undeliverable("the recipient's address cannot be written in a header")
    boundary = "=_" + hashlib.sha256(email.message_id.encode()).hexdigest()[:32]  # never in a QP or base64 body
    headers = [f"From: {sender}\r\n", f"To: {_mailbox(one_line(email.to_name, 100) or '', email.to)}\r\n",
               fold_unstructured("Subject", one_line(email.subject, SUBJECT_LIMIT) or ""),
               f"Date: {format_datetime(now)}\r\n", f"Message-ID: {email.message_id}\r\n",
               f"Content-Language: {email.language}\r\n", "Auto-Submitted: auto-generated\r\n"]
    if email.unsubscribe_url:
        headers += [f"List-Unsubscribe: <{email.unsubscribe_url}>\r\n",
                    "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"]
    headers.append("MIME-Version: 1.0\r\n")
    alternative = (
        b'--a' + boundary.encode() + b'\r\nContent-Type: text/plain; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _quoted_printable(email.text)
        + b"\r\n--a" + boundary.encode() + b'\r\nContent-Type: text/html; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _quoted_printable(email.html)
        + b"\r\n--a" + boundary.encode() + b"--\r\n")
    alternative_type = f'Content-Type: multipart/alternative; boundary="a{boundary}"\r\n'
    if not email.attachments:
        return ("".join(headers) + alternative_type + "\r\n").encode() + alternative
    parts = [b"--m" + boundary.encode() + b"\r\n" + alternative_type.encode() + b"\r\n" + alternative]
    for attachment in email.attachments:
        content_type, *parameters = (part.strip() for part in attachment.content_type.split(";"))
        params = "".join(f'; {key}="{value}"' if key == "charset" else f"; {key}={value}"
                         for key, value in (p.split("=", 1) for p in parameters))
        filename = attachment.filename if attachment.filename.isascii() else "attachment"
        content = attachment.content.encode() if isinstance(attachment.content, str) else attachment.content
        charset = '; charset="utf-8"' if content_type.startswith("text/") else ""  # a calendar is UTF-8
        parts.append(
            b"--m" + boundary.encode() + f'\r\nContent-Type: {content_type}{params}{charset}\r\n'
            f'Content-Disposition: attachment; filename="{filename}"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n".encode() + _base64(content))
    return ("".join(headers) + f'Content-Type: multipart/mixed; boundary="m{boundary}"\r\n\r\n').encode() + \
        b"".join(parts) + b"--m" + boundary.encode() + b"--\r\n"


class DkimSigner:
    """Signs each message with the domain's key (the public half published at `<selector>._domainkey.<domain>`),
    over the headers a receiver judges it by, the one-click unsubscribe ones included (RFC 8058 asks for them)."""

    HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
               b"content-language", b"auto-submitted", b"list-unsubscribe", b"list-unsubscribe-post")

    def __init__(self, private_key_pem: bytes, selector: str, domain: str) -> None:
        """Raises ValueError, saying nothing of the key, when it cannot sign: tried once here, so that a key no email
        could be signed with stops the service at start rather than failing each email it sends."""
        self._key, self._selector, self._domain = private_key_pem, selector.encode(), domain.encode()
        try:
            self(b"From: <check@" + self._domain + b">\r\nSubject: check\r\n\r\ncheck\r\n")
        except (dkim.DKIMException, ValueError, TypeError):
            raise ValueError("not a private key DKIM signs with (an RSA key, PEM)") from None

    def __call__(self, message: bytes) -> bytes:
        signature = dkim.sign(message, self._selector, self._domain, self._key,
                              include_headers=list(self.HEADERS), canonicalize=(b"relaxed", b"relaxed"))
        return signature + message


class SmtpMailer:
    """Sends over SMTP, keeping connections open between messages (up to `keep_open` idle ones), as a mail
    server expects of a steady sender: no handshake and goodbye per message; a message's envelope pipelined where
    the server offers it (`adapters/smtp.py`)."""

    def __init__(self, host: str, port: int, sender: str, timeout: float = 10.0, keep_open: int = 20,
                 sign: Callable[[bytes], bytes] | None = None, tls: ssl.SSLContext | None = None,
                 credentials: tuple[str, str] | None = None) -> None:
        self._host, self._port, self._sender, self._timeout = host, port, sender, timeout
        self._credentials = credentials
        self._keep_open = keep_open
        self._sign = sign
        self._tls = tls
        # A MAIL_FROM without a name: each message is from the platform's name in its own language.
        self._header_sender = _mailbox(*parseaddr(sender)) if parseaddr(sender)[0] else None
        self._envelope_sender = parseaddr(sender)[1]
        self._idle: list[SmtpConnection] = []

    def as_bytes(self, email: Email) -> bytes:
        sender = self._header_sender or _mailbox(one_line(email.sender_name, 100) or "", self._envelope_sender)
        content = mime(sender, email, datetime.now(UTC))
        return self._sign(content) if self._sign else content

    async def send(self, email: Email, hand_over: HandOver | None = None) -> None:
        """Raises DeliveryUncertain when the conversation broke off after the message itself was on its way, and
        ClaimLost when `hand_over`, asked once the server is ready for the message (after DATA), says no."""
        content = self.as_bytes(email)
        handed = False

        async def ready() -> None:
            nonlocal handed
            if hand_over is not None and not await hand_over():
                raise ClaimLost("the claim lapsed before the message was handed over")
            handed = True

        connection, reused = await self._connection()
        try:
            try:
                await connection.send(self._envelope_sender, email.to, content, self._timeout, ready)
            except aiosmtplib.SMTPServerDisconnected:
                if handed or not reused:
                    raise
                # The server closed a connection that sat idle: nothing was handed over yet, so try a new one.
                connection.close()
                connection = await self._connect()
                await connection.send(self._envelope_sender, email.to, content, self._timeout, ready)
        except aiosmtplib.SMTPResponseException:
            connection.close()
            raise  # the server answered no: it did not take the message
        except BaseException as error:
            # A refused recipient leaves a transaction open, a broken one leaves nothing: start afresh next time.
            connection.close()
            if handed and isinstance(error, Exception):
                raise DeliveryUncertain(type(error).__name__) from error
            raise
        await self._keep(connection)

    async def close(self) -> None:
        while self._idle:
            await self._discard(self._idle.pop())

    async def _connection(self) -> tuple[SmtpConnection, bool]:
        while self._idle:
            connection = self._idle.pop()
            if connection.is_connected:
                return connection, True
        return await self._connect(), False

    async def _connect(self) -> SmtpConnection:
        return await SmtpConnection.open(self._host, self._port, self._timeout, "mentorship.example", self._tls,
                                         self._credentials)

    async def _keep(self, connection: SmtpConnection) -> None:
        if len(self._idle) < self._keep_open:
            self._idle.append(connection)
        else:
            await self._discard(connection)

    @staticmethod
    async def _discard(connection: SmtpConnection) -> None:
        # Once the server accepted a message it is sent, whatever becomes of the goodbye.
        with contextlib.suppress(Exception):
            await connection.quit(2)
        connection.close()
