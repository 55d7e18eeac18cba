"""Helpers for tests that run services for real: serve an app on a free port, and wait for a condition."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

T = TypeVar("T")


async def answers_ready(*urls: str) -> bool:
    """Whether each service at these base URLs answers `/readyz` with 200 (a service still starting does not)."""
    import httpx  # a test and benchmark dependency, not a service's

    try:
        async with httpx.AsyncClient() as client:
            return all([(await client.get(f"{url}/readyz")).status_code == 200 for url in urls])
    except httpx.HTTPError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def serving(app: FastAPI, port: int | None = None) -> AsyncIterator[str]:
    """Serve `app` with uvicorn in this event loop (lifespan included); yield its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: server.started or task.done(), timeout=60, what="the server to start")
        if task.done():
            task.result()  # raises the start-up error
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def eventually(
    check: Callable[[], T | Awaitable[T]], *, timeout: float = 30.0, interval: float = 0.05,
    what: str | Callable[[], str] = "a condition",
) -> T:
    """Poll `check` until it returns something truthy, or fail after `timeout` seconds.

    `what` names the condition in the failure; a callable is asked only then, so it can say how far things got.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what() if callable(what) else what} after {timeout}s")
        await asyncio.sleep(interval)
