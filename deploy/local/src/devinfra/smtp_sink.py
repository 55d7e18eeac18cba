"""An SMTP server that delivers nowhere: it keeps every message, parsed, for tests to look at.

In process: `SmtpSink().start()`, then `messages()`, `clear()` and `await wait_for(...)`.
From another process: `python -m devinfra.smtp_sink --smtp-port N --http-port M`, then
`GET /messages[?to=address]` and `DELETE /messages` on the HTTP port (or `SmtpSinkClient`).
A person trying the platform locally opens `GET /` on the HTTP port: a mailbox page, newest first, whose links
(a sign-in link, say) can be clicked.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import html
import json
import re
import signal
import threading
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
from aiosmtpd.smtp import SMTP, Envelope, Session

from devinfra.processes import free_port

Message = dict  # one parsed message, as documented in `parse`
# Whom the services run on this machine (the local platform, the tests' platforms) send their mail as.
MAIL_FROM = "no-reply@mentorship.example"  # the platform's name in each message's language is its sender's
Predicate = Callable[[Message], bool]


def parse(envelope: Envelope, number: int) -> Message:
    """Everything a test asserts on, as JSON-ready values."""
    raw = envelope.original_content or envelope.content or b""
    message = email.message_from_bytes(raw.encode() if isinstance(raw, str) else raw, policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    # The first value of each header; repeated ones (Received) are no business of a test.
    headers: dict[str, str] = {}
    for name, value in message.items():
        headers.setdefault(name, str(value))
    return {
        "id": number,
        "received_at": datetime.now(UTC).isoformat(),
        "mail_from": envelope.mail_from,
        "rcpt_tos": list(envelope.rcpt_tos),
        "subject": message.get("Subject", ""),
        "headers": headers,
        "text": _content(text),
        "html": _content(html),
        "attachments": [
            {"filename": part.get_filename(), "content_type": part.get_content_type()}
            for part in message.iter_attachments()
        ],
        # The message as it came, for a test that reads more (an attachment's content, a signature).
        "raw": raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw,
    }


def _content(part: email.message.MIMEPart | None) -> str | None:
    # SMTP carries CRLF line ends; tests compare with Python strings.
    return part.get_content().replace("\r\n", "\n") if part else None


def addressed_to(message: Message, address: str | None) -> bool:
    """Whether the message was delivered to address (envelope recipients, so Cc and Bcc count); None matches all."""
    return address is None or address.lower() in (rcpt.lower() for rcpt in message["rcpt_tos"])


class _Store:
    """The received messages, shared by the SMTP handler, the HTTP API and callers in other threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[Message] = []
        self._count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        with self._lock:
            self._count += 1
            self._messages.append(parse(envelope, self._count))
        return "250 Message accepted for delivery"

    def messages(self, to: str | None = None) -> list[Message]:
        with self._lock:
            return [m for m in self._messages if addressed_to(m, to)]

    def clear(self) -> int:
        with self._lock:
            deleted = len(self._messages)
            self._messages.clear()
            return deleted


class SmtpSink:
    """The sink's SMTP and HTTP servers on one event loop, run in a background thread (or by `serve`)."""

    def __init__(self, smtp_port: int | None = None, http_port: int | None = None, host: str = "127.0.0.1"):
        self.host = host
        self.smtp_port = smtp_port or free_port()
        self.http_port = http_port or free_port()
        self._store = _Store()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    def messages(self, to: str | None = None) -> list[Message]:
        return self._store.messages(to)

    def clear(self) -> int:
        return self._store.clear()

    async def wait_for(self, predicate: Predicate = lambda m: True, timeout: float = 10.0) -> Message:
        """The first message matching predicate, polling until timeout."""
        return await _wait_for(_as_coroutine(self.messages), predicate, timeout)

    def start(self) -> SmtpSink:
        """Serve from a background thread; returns once both ports listen (raises if one cannot be bound)."""
        if self._thread is not None:
            return self
        listening = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                asyncio.run(self.serve(on_listening=listening.set))
            except BaseException as error:  # noqa: BLE001 - handed to the starting thread below
                failure.append(error)
                listening.set()

        self._thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
        self._thread.start()
        listening.wait()
        if failure:
            self._thread = None
            raise failure[0]
        return self

    def stop(self) -> None:
        """Close both servers and end the thread; safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self.request_stop()
        thread.join()

    def request_stop(self) -> None:
        """Make serve() return; safe from any thread and from a signal handler."""
        assert self._loop is not None and self._stopping is not None, "serving"
        self._loop.call_soon_threadsafe(self._stopping.set)

    async def serve(self, on_listening: Callable[[], None] = lambda: None) -> None:
        """Serve on the running loop until stop() (or, standalone, SIGTERM/SIGINT)."""
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        smtp = await self._loop.create_server(
            lambda: SMTP(self._store, hostname="devinfra-smtp-sink", enable_SMTPUTF8=True), self.host, self.smtp_port
        )
        http = await asyncio.start_server(self._answer_http, self.host, self.http_port)
        on_listening()
        try:
            await self._stopping.wait()
        finally:
            # Not wait_closed(): from Python 3.12 on it also waits for clients that never hang up.
            smtp.close()
            http.close()

    async def _answer_http(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Just enough HTTP/1.1 for the API: one request per connection, no request body."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            url = urlsplit(target)
            body: object
            if url.path == "/" and method == "GET":
                to = parse_qs(url.query).get("to", [None])[0]
                page = mailbox_page(self.messages(to)).encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    b"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
                    b"Referrer-Policy: no-referrer\r\n"
                    + f"Content-Length: {len(page)}\r\nConnection: close\r\n\r\n".encode() + page
                )
                await writer.drain()
                return
            if url.path != "/messages":
                status, body = "404 Not Found", {"error": f"no such resource: {url.path}"}
            elif method == "GET":
                to = parse_qs(url.query).get("to", [None])[0]
                status, body = "200 OK", self.messages(to)
            elif method == "DELETE":
                status, body = "200 OK", {"deleted": self.clear()}
            else:
                status, body = "405 Method Not Allowed", {"error": f"{method} is not allowed"}
            payload = json.dumps(body).encode()
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, ConnectionError):
            pass  # a malformed or abandoned request gets no answer
        finally:
            writer.close()


_URL = re.compile(r"https?://[^\s<>\"']+")


def _linked(text: str) -> str:
    """The text, escaped, with every http(s) URL a link."""
    out, last = [], 0
    for found in _URL.finditer(text):
        out.append(html.escape(text[last:found.start()]))
        url = html.escape(found.group(0))
        out.append(f'<a href="{url}">{url}</a>')
        last = found.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def mailbox_page(messages: list[Message]) -> str:
    """The messages as a small HTML page, newest first, links clickable (the local mailbox of `bin/demo`)."""
    items = []
    for m in reversed(messages):
        to = html.escape(", ".join(m["rcpt_tos"]))
        items.append(
            f"<article><h2>{html.escape(m['subject'] or '(no subject)')}</h2>"
            f"<p class=meta>To {to} · {html.escape(m['received_at'][:19].replace('T', ' '))} UTC</p>"
            f"<pre>{_linked(m['text'] or '')}</pre></article>")
    listing = "".join(items) or "<p>No messages yet. Ask for a sign-in link, then reload this page.</p>"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'><title>Local mailbox</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem}"
        "article{border:1px solid #ccc;border-radius:6px;padding:0 1rem;margin:0 0 1rem}"
        "h2{font-size:1.1rem}.meta{color:#555}pre{white-space:pre-wrap;word-break:break-word}</style></head>"
        f"<body><h1>Local mailbox</h1><p>Every email the platform sent on this machine ({len(messages)}), "
        f"newest first. Nothing leaves the machine.</p>{listing}</body></html>")


class SmtpSinkClient:
    """The HTTP API of a sink running in another process, with the same queries as SmtpSink."""

    def __init__(self, http_url: str):
        self.http_url = http_url.rstrip("/")

    def messages(self, to: str | None = None) -> list[Message]:
        params = {"to": to} if to else {}
        response = httpx.get(f"{self.http_url}/messages", params=params)
        response.raise_for_status()
        return response.json()

    def clear(self) -> int:
        response = httpx.delete(f"{self.http_url}/messages")
        response.raise_for_status()
        return response.json()["deleted"]

    async def wait_for(self, predicate: Predicate = lambda m: True, timeout: float = 10.0) -> Message:
        async with httpx.AsyncClient(base_url=self.http_url) as client:

            async def fetch() -> list[Message]:
                response = await client.get("/messages")
                response.raise_for_status()
                return response.json()

            return await _wait_for(fetch, predicate, timeout)


def _as_coroutine(function: Callable[[], list[Message]]) -> Callable[[], Awaitable[list[Message]]]:
    async def call() -> list[Message]:
        return function()

    return call


async def _wait_for(fetch: Callable[[], Awaitable[list[Message]]], predicate: Predicate, timeout: float) -> Message:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        seen = await fetch()
        for message in seen:
            if predicate(message):
                return message
        if loop.time() >= deadline:
            subjects = [m["subject"] for m in seen]
            raise TimeoutError(f"no matching message within {timeout:g}s; received {len(seen)}: {subjects}")
        await asyncio.sleep(0.05)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devinfra.smtp_sink", description=__doc__.splitlines()[0])
    parser.add_argument("--smtp-port", type=int, default=10025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    sink = SmtpSink(args.smtp_port, args.http_port, args.host)

    async def serve_until_signalled() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, sink.request_stop)
        await sink.serve(
            on_listening=lambda: print(
                f"smtp sink: SMTP on {args.host}:{sink.smtp_port}, HTTP on {sink.http_url}", flush=True
            )
        )

    asyncio.run(serve_until_signalled())


if __name__ == "__main__":
    main()
