"""A real SMTP server (aiosmtpd) on loopback that keeps no message, only what a throughput benchmark counts.

    python bench/smtp_counter.py --port N --status FILE [--no-pipelining]

It accepts every message and counts, per Message-ID, how many times it arrived (read from the header block with
a regular expression, not parsed: the test sink's full parse took about 14 ms a message and would be the
bottleneck). Every half second it writes its status as JSON to FILE (renamed into place): messages, distinct
Message-IDs, duplicates, the times of the first and the last message, and messages per whole second.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import time
from collections import Counter

from aiosmtpd.smtp import SMTP

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


class Counting:
    def __init__(self, pipelining: bool = True) -> None:
        self.pipelining = pipelining
        self.per_id: Counter[bytes] = Counter()
        self.messages = 0
        self.first: float | None = None
        self.last: float | None = None
        self.per_second: Counter[int] = Counter()

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:  # noqa: N802
        """Offers PIPELINING, as Postfix and the hosted relays do: aiosmtpd reads each command from its stream as it
        comes and answers in order, so pipelined commands work; it only does not say so. `--no-pipelining`: it
        does not offer it."""
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING"] + responses[-1:] if self.pipelining else responses

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        now = time.time()
        content = envelope.original_content or envelope.content
        head = content[: content.find(b"\r\n\r\n")] if isinstance(content, bytes) else content.encode()
        found = MESSAGE_ID.search(head)
        self.per_id[found.group(1) if found else b"?"] += 1
        self.messages += 1
        self.first = self.first or now
        self.last = now
        self.per_second[int(now)] += 1
        return "250 Message accepted for delivery"

    def status(self) -> dict:
        return {"messages": self.messages, "distinct": len(self.per_id),
                "duplicates": self.messages - len(self.per_id), "first": self.first, "last": self.last,
                "per_second": sorted(self.per_second.items())}


async def serve(port: int, status_path: str, pipelining: bool) -> None:
    counting = Counting(pipelining)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(counting, hostname="bench-smtp", enable_SMTPUTF8=True),
                                      "127.0.0.1", port)
    stopping = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)

    def write() -> None:
        with open(status_path + ".tmp", "w") as out:
            json.dump(counting.status(), out)
        os.replace(status_path + ".tmp", status_path)

    try:
        while not stopping.is_set():
            write()
            try:
                async with asyncio.timeout(0.5):
                    await stopping.wait()
            except TimeoutError:
                pass
    finally:
        write()
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--status", required=True)
    parser.add_argument("--no-pipelining", action="store_true", help="do not offer PIPELINING")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.status, not args.no_pipelining))


if __name__ == "__main__":
    main()
