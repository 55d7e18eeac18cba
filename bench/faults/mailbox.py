"""An SMTP server that records, for each message, its Message-ID, recipients and subject as one JSON line, and
nothing else: 30,000 emails of a fault run are cheap to keep and to read back. Its own process, so that it outlives
the harness's pauses and is never the bottleneck.

    python -m bench.faults.mailbox --port PORT --out FILE
"""

from __future__ import annotations

import argparse
import asyncio
import email.parser
import email.policy
import json
import time

from aiosmtpd.smtp import SMTP, Envelope, Session


class Recorder:
    def __init__(self, path: str) -> None:
        self.out = open(path, "a", buffering=1)
        self.parser = email.parser.BytesHeaderParser(policy=email.policy.compat32)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        headers = self.parser.parsebytes(raw if isinstance(raw, bytes) else raw.encode())
        self.out.write(json.dumps({"message_id": (headers.get("Message-ID") or "").strip(),
                                   "to": list(envelope.rcpt_tos), "subject": str(headers.get("Subject") or ""),
                                   "at": time.time()}) + "\n")
        return "250 OK"


async def run(port: int, path: str) -> None:
    recorder = Recorder(path)
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(recorder), "127.0.0.1", port,
                                                            reuse_address=True)
    await server.serve_forever()


def read(path: str) -> list[dict]:
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.endswith("\n")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    asyncio.run(run(args.port, args.out))


if __name__ == "__main__":
    main()
