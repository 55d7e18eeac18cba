"""A message as SMTP's DATA carries it (`adapters/smtp.py`), and when its ending dot goes: only after the hand-over
is recorded, so that a crash in between leaves the server with a message that never ended, which it drops."""

import asyncio

import pytest
from notifications.adapters.smtp import SmtpConnection, _data
from plumbing.testing import eventually

END = b"\r\n.\r\n"


def test_a_line_starting_with_a_dot_has_it_doubled():
    assert _data(b"Subject: x\r\n\r\n.hidden\r\nend\r\n") == b"Subject: x\r\n\r\n..hidden\r\nend\r\n"
    assert _data(b".first\r\n") == b"..first\r\n"


def test_bare_carriage_returns_and_line_feeds_become_crlf_and_a_last_line_is_ended():
    assert _data(b"a\nb\rc\n\rd") == b"a\r\nb\r\nc\r\n\r\nd\r\n"
    assert _data(b"a\r\n\n.b") == b"a\r\n\r\n..b\r\n"


class Server:
    """Just enough of an SMTP server on loopback, pipelining: what it has read, and the messages it took."""

    def __init__(self) -> None:
        self.read = bytearray()
        self.taken: list[bytes] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink\r\n")
        while line := await reader.readline():
            self.read += line
            if line.startswith(b"EHLO"):
                writer.write(b"250-sink\r\n250 PIPELINING\r\n")
            elif line.startswith(b"DATA"):
                writer.write(b"354 go on\r\n")
                message = bytearray()
                while not message.endswith(END):
                    chunk = await reader.read(65536)
                    if not chunk:
                        return  # the message never ended: dropped
                    message += chunk
                    self.read += chunk
                self.taken.append(bytes(message))
                writer.write(b"250 taken\r\n")
            elif line.startswith(b"QUIT"):
                writer.write(b"221 bye\r\n")
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()


async def connected(server: Server) -> tuple[asyncio.Server, SmtpConnection]:
    listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    return listening, await SmtpConnection.open("127.0.0.1", port, 5, "test")


async def test_the_server_has_the_whole_message_but_its_ending_dot_while_the_hand_over_is_recorded():
    server = Server()
    listening, connection = await connected(server)
    seen_at_hand_over: list[bytes] = []

    async def hand_over() -> None:
        await eventually(lambda: b"Hello" in server.read, timeout=5, interval=0.001, what="the content at the server")
        seen_at_hand_over.append(bytes(server.read))

    async with listening:
        await connection.send("a@example.org", "b@example.org", b"Subject: x\r\n\r\nHello\r\n", 5, hand_over)
        await connection.quit(5)
    assert not seen_at_hand_over[0].endswith(END) and server.taken == [b"Subject: x\r\n\r\nHello" + END]


async def test_a_hand_over_that_fails_leaves_the_server_a_message_that_never_ended():
    server = Server()
    listening, connection = await connected(server)

    async def refused() -> None:
        raise RuntimeError("the claim lapsed")

    async with listening:
        with pytest.raises(RuntimeError):
            await connection.send("a@example.org", "b@example.org", b"Subject: x\r\n\r\nHello\r\n", 5, refused)
        await eventually(lambda: b"Hello" in server.read, timeout=5, interval=0.001, what="the content at the server")
    assert server.taken == []
