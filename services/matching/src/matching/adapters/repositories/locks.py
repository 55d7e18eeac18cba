"""Advisory locks of one kind (people's, programs'), held to the end of the transaction and remembered by it, so
that the units of work joining it take each once."""

from __future__ import annotations

from uuid import UUID

import asyncpg


class HeldLocks:
    def __init__(self, conn: asyncpg.Connection, prefix: str, held: set[UUID] | None = None) -> None:
        self._conn = conn
        self._prefix = prefix  # of each lock's key: kinds never share a key
        self.held: set[UUID] = set() if held is None else held

    async def take(self, ids: list[UUID]) -> None:
        """Each lock not held yet, in the order given: the rows of unnest come, and their locks are taken, one after
        another."""
        wanted = [i for i in ids if i not in self.held]
        if wanted:
            await self._conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1 || i::text, 0)) "
                                     "FROM unnest($2::uuid[]) AS i", self._prefix, wanted)
            self.held.update(wanted)
