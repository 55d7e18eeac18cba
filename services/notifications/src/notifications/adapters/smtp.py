"""One SMTP connection, kept open for message after message, that pipelines a message's envelope when the server
offers PIPELINING (RFC 2920; Postfix, Exim and the hosted relays do): MAIL FROM, RCPT TO and DATA go in one write
and their three answers come back together, so a message costs two round trips, not four. Without PIPELINING
each command waits for its answer. STARTTLS is used when the server offers it (certificates verified), as
aiosmtplib did. Credentials, when given, go once a connection (AUTH PLAIN), and only under TLS. Errors are
aiosmtplib's exception types, which the rest of the adapter and the dispatcher know: `SMTPResponseException` (and
its subclasses) when the server said no, `SMTPServerDisconnected` and `SMTPTimeoutError` when the conversation
broke off.

aiosmtplib (kept for its exception types) reads one answer per command it writes: it cannot pipeline."""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
from collections import deque
from collections.abc import Awaitable, Callable
from typing import NamedTuple

from aiosmtplib import (
    SMTPAuthenticationError,
    SMTPConnectError,
    SMTPConnectResponseError,
    SMTPConnectTimeoutError,
    SMTPDataError,
    SMTPException,
    SMTPHeloError,
    SMTPReadTimeoutError,
    SMTPRecipientRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

_BARE_LINE_END = re.compile(rb"\r(?!\n)|(?<!\r)\n")
_DOT_LINE = re.compile(rb"\n\.")
MAX_RESPONSE = 64 * 1024


class Response(NamedTuple):
    code: int
    message: str


class SmtpConnection(asyncio.Protocol):
    """The client side of one SMTP connection: answers are parsed as they arrive and handed out in order."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._answers: deque[Response] = deque()
        self._waiting: deque[asyncio.Future[Response]] = deque()
        self._lost: BaseException | None = None
        self.extensions: frozenset[str] = frozenset()

    # --- asyncio.Protocol ---

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (answer := self._take_answer()) is not None:
            if self._waiting:
                waiter = self._waiting.popleft()
                if not waiter.done():
                    waiter.set_result(answer)
            else:
                self._answers.append(answer)
        if len(self._buffer) > MAX_RESPONSE:
            self._fail(SMTPServerDisconnected("the server's answer is too long"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        error = SMTPServerDisconnected("Connection lost")
        error.__cause__ = exc
        self._fail(error)
        self._transport = None

    def eof_received(self) -> bool:
        self._fail(SMTPServerDisconnected("Unexpected EOF received"))
        return False

    # --- the conversation ---

    @classmethod
    async def open(cls, host: str, port: int, timeout: float, local_hostname: str,
                   tls: ssl.SSLContext | None = None, credentials: tuple[str, str] | None = None) -> SmtpConnection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _, connection = await loop.create_connection(cls, host, port)
        except TimeoutError as error:
            raise SMTPConnectTimeoutError(f"Timed out connecting to {host} on port {port}") from error
        except OSError as error:
            raise SMTPConnectError(f"Error connecting to {host} on port {port}: {error}") from error
        try:
            greeting = await connection.answer(timeout)
            if greeting.code != 220:
                raise SMTPConnectResponseError(greeting.code, greeting.message)
            await connection._hello(local_hostname, timeout)
            if "STARTTLS" in connection.extensions:
                connection.write(b"STARTTLS\r\n")
                ready = await connection.answer(timeout)
                if ready.code != 220:
                    raise SMTPResponseException(ready.code, ready.message)
                assert connection._transport is not None
                async with asyncio.timeout(timeout):
                    upgraded = await loop.start_tls(connection._transport, connection,
                                                    tls or ssl.create_default_context(), server_hostname=host)
                connection._transport = upgraded  # type: ignore[assignment]
                await connection._hello(local_hostname, timeout)  # what the server offers may differ under TLS
            if credentials is not None:
                await connection._log_in(*credentials, timeout)
        except BaseException:
            connection.close()
            raise
        return connection

    async def _hello(self, local_hostname: str, timeout: float) -> None:
        self.write(f"EHLO {local_hostname}\r\n".encode())
        hello = await self.answer(timeout)
        if hello.code != 250:
            raise SMTPHeloError(hello.code, hello.message)
        self.extensions = frozenset(line.split(" ", 1)[0].upper() for line in hello.message.splitlines()[1:])

    async def _log_in(self, user: str, password: str, timeout: float) -> None:
        assert self._transport is not None
        if self._transport.get_extra_info("ssl_object") is None:
            # A password in clear on the wire is readable by anyone on the path: no message goes instead.
            raise SMTPException("the SMTP server offers no STARTTLS: its credentials are not sent unencrypted")
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        self.write(f"AUTH PLAIN {token}\r\n".encode())
        answer = await self.answer(timeout)
        if answer.code != 235:
            raise SMTPAuthenticationError(answer.code, answer.message)

    @property
    def is_connected(self) -> bool:
        return self._transport is not None and not self._transport.is_closing() and self._lost is None

    def write(self, data: bytes) -> None:
        if not self.is_connected:
            raise self._lost or SMTPServerDisconnected("Connection lost")
        assert self._transport is not None
        self._transport.write(data)

    async def answer(self, timeout: float) -> Response:
        """The server's next answer, in the order of the commands written."""
        if self._answers:
            return self._answers.popleft()
        if self._lost is not None:
            raise self._lost
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except TimeoutError:
            self.close()  # an answer that comes late would be taken for the next command's
            raise SMTPReadTimeoutError("Timed out waiting for server response") from None

    async def send(self, sender: str, recipient: str, content: bytes, timeout: float,
                   ready: Callable[[], Awaitable[None]]) -> None:
        """One message. `ready` is awaited once the server has the message but for its ending dot (after DATA's 354
        and the content); it may raise, and then the connection is closed (the server drops a message that never
        ended) and nothing is delivered.
        Raises SMTPResponseException when the server refuses (nothing was sent); after `ready`, any other error
        leaves it unknown whether the server took the message."""
        for address in (sender, recipient):
            if any(c in address for c in "\r\n<>") or not address.isprintable():
                raise ValueError("an address that cannot be written in a command")
        envelope = [f"MAIL FROM:<{sender}>\r\n".encode(), f"RCPT TO:<{recipient}>\r\n".encode(), b"DATA\r\n"]
        pipelining = "PIPELINING" in self.extensions
        if pipelining:
            self.write(b"".join(envelope))
        checks: list[tuple[int, Callable[[Response], SMTPResponseException]]] = [
            (250, lambda a: SMTPSenderRefused(a.code, a.message, sender)),
            (250, lambda a: SMTPRecipientRefused(a.code, a.message, recipient)),
            (354, lambda a: SMTPDataError(a.code, a.message)),
        ]
        for command, (expected, refused) in zip(envelope, checks, strict=True):
            if not pipelining:
                self.write(command)
            answer = await self.answer(timeout)
            if answer.code != expected and not (expected == 250 and answer.code == 251):
                self.close()  # the pipelined answers still to come belong to this message: start afresh
                raise refused(answer)
        # The message goes before `ready`, all but its ending dot: once the hand-over's record is on its way, only
        # five bytes remain to write, so a crash between the record and the server's taking the message is unlikely.
        self.write(_data(content))
        try:
            await ready()
        except BaseException:
            self.close()
            raise
        self.write(b".\r\n")
        answer = await self.answer(timeout)
        if answer.code != 250:
            raise SMTPDataError(answer.code, answer.message)

    async def quit(self, timeout: float) -> None:
        self.write(b"QUIT\r\n")
        await self.answer(timeout)
        self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        self._fail(SMTPServerDisconnected("Connection closed"))

    # --- parsing ---

    def _take_answer(self) -> Response | None:
        """The first complete answer in the buffer, taken out of it: lines `ddd-text` continued, `ddd text` last."""
        offset, lines = 0, []
        while (end := self._buffer.find(b"\n", offset)) != -1:
            line = bytes(self._buffer[offset:end + 1])
            offset = end + 1
            try:
                code = int(line[:3])
            except ValueError:
                self._fail(SMTPServerDisconnected("a malformed answer"))
                self.close()
                return None
            lines.append(line[4:].strip(b" \t\r\n").decode("utf-8", "surrogateescape"))
            if line[3:4] != b"-":
                del self._buffer[:offset]
                return Response(code, "\n".join(lines))
        return None

    def _fail(self, error: BaseException) -> None:
        if self._lost is None:
            self._lost = error
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_exception(error)
                waiter.exception()  # retrieved: nobody may await it once the connection is gone


def _data(content: bytes) -> bytes:
    """The message as DATA carries it before its ending dot: CRLF line ends, a line starting with a dot doubled."""
    line_feeds = content.count(b"\n")  # a message counted, not rewritten, unless it must be (each pass is a copy)
    if line_feeds != content.count(b"\r") or line_feeds != content.count(b"\r\n"):
        content = _BARE_LINE_END.sub(b"\r\n", content)
    if not content.endswith(b"\r\n"):
        content += b"\r\n"
    if _DOT_LINE.search(content):
        content = content.replace(b"\r\n.", b"\r\n..")
    if content.startswith(b"."):
        content = b"." + content
    return content
