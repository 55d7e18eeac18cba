"""A write to a Kafka connection that a reset closed under it is a lost connection, which aiokafka retries, not an
error that ends its background tasks: under uvloop, on which uvicorn runs the services."""

import asyncio
import socket
import struct

import pytest
import uvloop
from aiokafka.conn import AIOKafkaConnection
from aiokafka.errors import KafkaConnectionError
from aiokafka.protocol.metadata import MetadataRequest
from plumbing.kafka import treat_closed_transports_as_lost_connections
from plumbing.testing import eventually


async def _write_on_a_connection_reset_under_it(write: str) -> None:
    async def reset(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # SO_LINGER 0: the client sees a reset, as when a broker dies or a network path breaks.
        writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    server = await asyncio.start_server(reset, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = AIOKafkaConnection("127.0.0.1", port)
    # Connected as aiokafka leaves a connection once its handshake is done (this server speaks no Kafka).
    connection._reader, connection._writer = await asyncio.open_connection("127.0.0.1", port)
    connection._versions = {MetadataRequest.API_KEY: (0, 0)}
    connection._read_task = asyncio.ensure_future(asyncio.Event().wait())
    try:
        await eventually(lambda: connection._writer.transport.is_closing(), timeout=5, what="the reset to arrive")
        # The window aiokafka misses: the transport is closed, while the reader has not seen the end yet.
        assert connection.connected()
        if write == "request":
            connection.send(MetadataRequest([]))
        else:  # a SASL token, as a connection's handshake writes them
            connection._send_sasl_token(b"token")
    finally:
        connection.close()
        server.close()


@pytest.mark.parametrize("write", ["request", "sasl token"])
def test_a_write_to_a_connection_reset_under_it_is_a_lost_connection_aiokafka_retries(write):
    treat_closed_transports_as_lost_connections()
    with pytest.raises(KafkaConnectionError, match="broken"), \
            asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_write_on_a_connection_reset_under_it(write))
