"""A round's tens of thousands of pairs are written a part at a time, each part computed in a worker thread while the
part before is written: the database's work and ours overlap (about a second of each at national scale)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Part = TypeVar("Part")
Computed = TypeVar("Computed")

AT_ONCE = 4096  # items computed and written at a time


def parts_of(items: list[Item]) -> list[list[Item]]:
    return [items[at:at + AT_ONCE] for at in range(0, len(items), AT_ONCE)]


async def written_as_computed(compute: Callable[[Part], Computed], parts: Sequence[Part],
                              write: Callable[[Computed], Awaitable[None]]) -> None:
    """`write(compute(part))` for each part, in order. A part is computed in a worker thread once the part before it has
    been, while that one is written (so `compute` may carry state from part to part; it must not touch the database)."""
    if not parts:
        return
    ahead: asyncio.Future[Computed] | None = asyncio.ensure_future(asyncio.to_thread(compute, parts[0]))
    try:
        for following in [*parts[1:], None]:
            assert ahead is not None
            computed = await ahead
            ahead = None if following is None else asyncio.ensure_future(asyncio.to_thread(compute, following))
            await write(computed)
    finally:
        if ahead is not None:  # left on an error: a thread is not cancelled; what it computed is not written
            with contextlib.suppress(Exception):
                await ahead
