"""Work that lost its connection to PostgreSQL is done again once the database answers, within a bound."""

import asyncpg
import pytest
from plumbing.db import DatabaseWait, once_the_database_answers


class Database:
    """Away for the first `away_for` tries, then answers."""

    def __init__(self, away_for: int, then: Exception | None = None) -> None:
        self.away_for, self.then, self.tries = away_for, then, 0

    async def work(self) -> str:
        self.tries += 1
        if self.tries <= self.away_for:
            raise ConnectionRefusedError("the database system is starting up")
        if self.then is not None:
            raise self.then
        return "done"


def told(into: list[tuple[float, int]]):
    return lambda error, pause, pauses: into.append((pause, pauses))


async def test_work_is_done_again_after_pauses_that_double_up_to_the_longest() -> None:
    database, pauses = Database(away_for=4), []
    wait = DatabaseWait(first_seconds=0.001, longest_seconds=0.004, giving_up_after=None)

    assert await once_the_database_answers(database.work, wait, told(pauses)) == "done"
    assert pauses == [(0.001, 1), (0.002, 2), (0.004, 3), (0.004, 4)]
    assert database.tries == 5


async def test_an_error_that_is_not_a_lost_connection_is_raised_at_once() -> None:
    database, pauses = Database(away_for=0, then=asyncpg.UniqueViolationError("duplicate key")), []
    wait = DatabaseWait(first_seconds=0.001, longest_seconds=0.004, giving_up_after=None)

    with pytest.raises(asyncpg.UniqueViolationError):
        await once_the_database_answers(database.work, wait, told(pauses))
    assert (database.tries, pauses) == (1, [])


async def test_a_lost_connection_is_raised_once_the_wait_is_over() -> None:
    database, pauses = Database(away_for=1_000), []
    wait = DatabaseWait(first_seconds=0.01, longest_seconds=0.01, giving_up_after=0.035)

    with pytest.raises(ConnectionRefusedError):
        await once_the_database_answers(database.work, wait, told(pauses))
    assert pauses, "the first pause fits in the wait"
    assert sum(pause for pause, _ in pauses) <= 0.035, "no pause is taken that would end past the wait"
    assert database.tries == len(pauses) + 1
