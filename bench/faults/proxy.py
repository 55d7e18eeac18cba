"""A TCP proxy on loopback that can slow and cut connections, run as its own process (it outlives what it proxies).

    python -m bench.faults.proxy --control PORT --route kafka:LISTEN:TARGET --route postgres:LISTEN:TARGET

Control: one line per TCP connection to 127.0.0.1:PORT, answered "ok":
    slow <route|all> <ms>    every chunk, each way, delivered that much later (order kept)
    cut <route|all>          reset every open connection of the route (new ones are accepted)
    normal <route|all>       no added latency
    count                    open connections per route ("ok kafka=12 postgres=40")
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import struct


class Route:
    def __init__(self, name: str, listen: int, target: int) -> None:
        self.name, self.listen, self.target = name, listen, target
        self.latency = 0.0
        self.connections: set[asyncio.StreamWriter] = set()

    async def serve(self) -> asyncio.AbstractServer:
        return await asyncio.start_server(self._accept, "127.0.0.1", self.listen, reuse_address=True)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            client_writer.close()
            return
        pair = (client_writer, server_writer)
        self.connections.update(pair)
        try:
            await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer),
                                 return_exceptions=True)
        finally:
            for writer in pair:
                self.connections.discard(writer)
                writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if not data:
                    break
                if (wait := due - loop.time()) > 0:
                    await asyncio.sleep(wait)  # the latency this route adds
                writer.write(data)
                await writer.drain()
            with contextlib.suppress(OSError):
                writer.write_eof()

        sender = asyncio.create_task(deliver())
        try:
            while data := await reader.read(65536):
                queue.put_nowait((loop.time() + self.latency, data))
        except OSError:
            pass
        finally:
            queue.put_nowait((0.0, b""))
            with contextlib.suppress(Exception):
                await sender
            writer.close()

    def cut(self) -> int:
        cut = 0
        for writer in list(self.connections):
            sock = writer.get_extra_info("socket")
            if sock is not None:
                # SO_LINGER 0: the peer sees a reset, as when a network path breaks, not an orderly close.
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            cut += 1
        self.connections.clear()
        return cut


async def run(control_port: int, routes: list[Route]) -> None:
    by_name = {route.name: route for route in routes}

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        words = (await reader.readline()).decode().split()
        chosen = list(by_name.values()) if len(words) > 1 and words[1] == "all" else \
            [by_name[words[1]]] if len(words) > 1 and words[1] in by_name else []
        answer = "ok"
        if words and words[0] == "slow" and len(words) == 3:
            for route in chosen:
                route.latency = float(words[2]) / 1000
        elif words and words[0] == "normal":
            for route in chosen:
                route.latency = 0.0
        elif words and words[0] == "count":
            answer = "ok " + " ".join(f"{route.name}={len(route.connections) // 2}" for route in by_name.values())
        elif words and words[0] == "cut":
            answer = f"ok {sum(route.cut() for route in chosen)}"
        else:
            answer = "error: slow|cut|normal <route|all> [ms], or count"
        writer.write(answer.encode() + b"\n")
        await writer.drain()
        writer.close()

    servers = [await route.serve() for route in routes]
    servers.append(await asyncio.start_server(control, "127.0.0.1", control_port, reuse_address=True))
    await asyncio.gather(*(server.serve_forever() for server in servers))


def command(control_port: int, line: str) -> str:
    """Send one control line (from the harness) and return the answer."""
    with socket.create_connection(("127.0.0.1", control_port), timeout=10) as sock:
        sock.sendall(line.encode() + b"\n")
        return sock.makefile().readline().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--control", type=int, required=True)
    parser.add_argument("--route", action="append", default=[], help="name:listen_port:target_port")
    args = parser.parse_args()
    routes = [Route(name, int(listen), int(target)) for name, listen, target in (r.split(":") for r in args.route)]
    asyncio.run(run(args.control, routes))


if __name__ == "__main__":
    main()
