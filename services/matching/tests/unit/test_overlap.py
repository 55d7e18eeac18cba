"""A round's pairs written a part at a time, each part computed in a worker thread while the one before is written."""

from __future__ import annotations

import asyncio
import threading

import pytest
from matching.service_layer import overlap


async def test_each_part_is_computed_in_a_worker_thread_in_order_and_written_in_order():
    computed_in: list[str] = []
    written: list[int] = []

    def compute(part: list[int]) -> int:
        computed_in.append(threading.current_thread().name)
        return sum(part)

    async def write(total: int) -> None:
        written.append(total)

    await overlap.written_as_computed(compute, [[1, 2], [3], [4, 5]], write)

    assert written == [3, 3, 9]
    assert len(computed_in) == 3 and threading.main_thread().name not in computed_in


async def test_a_part_is_computed_once_the_one_before_it_has_been_so_it_may_carry_on_from_it(monkeypatch):
    monkeypatch.setattr(overlap, "AT_ONCE", 3)
    running_total = [0]

    def compute(part: list[int]) -> int:
        running_total[0] += sum(part)
        return running_total[0]

    written: list[int] = []

    async def write(total: int) -> None:
        written.append(total)

    await overlap.written_as_computed(compute, overlap.parts_of(list(range(10))), write)

    assert written == [3, 15, 36, 45]  # parts 0-2, 3-5, 6-8 and 9, each added to those before


async def test_the_next_part_is_computed_while_one_is_written():
    next_computed = threading.Event()
    parts_computed: list[int] = []

    def compute(part: int) -> int:
        parts_computed.append(part)
        if part == 2:
            next_computed.set()
        return part

    async def write(part: int) -> None:
        if part == 1:  # the database writing the first part: the second is computed meanwhile
            assert await asyncio.to_thread(next_computed.wait, 5)

    await overlap.written_as_computed(compute, [1, 2], write)

    assert parts_computed == [1, 2]


async def test_a_failed_write_stops_there_and_leaves_no_part_computing_behind():
    computing = threading.Event()
    finished: list[int] = []

    def compute(part: int) -> int:
        if part == 2:
            computing.set()
            finished.append(part)
        return part

    written: list[int] = []

    async def write(part: int) -> None:
        if part == 1:
            await asyncio.to_thread(computing.wait, 5)
            raise ConnectionError("the database went away")
        written.append(part)

    with pytest.raises(ConnectionError):
        await overlap.written_as_computed(compute, [1, 2, 3], write)

    assert written == [] and finished == [2]  # the second part was computed, not written; the third never began


async def test_nothing_to_write_writes_nothing():
    async def write(_: object) -> None:
        raise AssertionError("nothing to write")

    await overlap.written_as_computed(lambda part: part, [], write)
