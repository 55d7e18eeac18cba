"""People's data keys (crypto-shredding): the personal fields of their restricted events are sealed under them.

A key is made the first time a person's restricted event is published, in that transaction, and kept wrapped under
the identity key (AES-256-GCM, the person's id as associated data): a database dump alone opens nothing. Erasure
deletes it in the erasure's transaction (`person_keys.person_id` cascades from `people`); profiles answers the
consumers the topic catalogue names for the keys they need (`entrypoints/data_keys.py`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from mentorship_contracts import IntegrationEvent, sealed_version_of
from plumbing.person_keys import DataKey
from plumbing.personal_data import new_data_key, seal_event
from plumbing.settings import key_bytes

_NONCE_BYTES = 12


class KeyWrapper:
    """Wraps data keys under the identity key (`PROFILES_IDENTITY_KEY`)."""

    def __init__(self, identity_key: str) -> None:
        raw = key_bytes(identity_key)
        if len(raw) != 32:
            raise ValueError("the identity key must be 32 bytes, urlsafe-base64 encoded")
        self._aead = AESGCM(raw)

    def wrap(self, person_id: UUID, key: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, key, b"data-key:" + person_id.bytes)

    def unwrap(self, person_id: UUID, wrapped: bytes) -> bytes:
        return self._aead.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], b"data-key:" + person_id.bytes)


class PostgresPersonKeys:
    def __init__(self, conn: asyncpg.Connection, wrapper: KeyWrapper) -> None:
        self._conn = conn
        self._wrapper = wrapper

    async def key_for(self, person_id: UUID) -> DataKey:
        """The person's data key, made now if they have none yet (a person registered this transaction)."""
        key = new_data_key()
        await self._conn.execute(
            """INSERT INTO person_keys (person_id, key_id, wrapped_key) VALUES ($1, $2, $3)
               ON CONFLICT (person_id) DO NOTHING""",
            person_id, uuid.uuid4(), self._wrapper.wrap(person_id, key))
        return (await self.of([person_id]))[person_id]

    async def of(self, people: Iterable[UUID]) -> dict[UUID, DataKey]:
        """The keys these people have (an erased person has none)."""
        rows = await self._conn.fetch(
            "SELECT person_id, key_id, wrapped_key FROM person_keys WHERE person_id = ANY($1::uuid[])", list(people))
        return {row["person_id"]: DataKey(str(row["key_id"]), self._wrapper.unwrap(row["person_id"], row["wrapped_key"]))
                for row in rows}

    async def destroy(self, person_id: UUID) -> None:
        await self._conn.execute("DELETE FROM person_keys WHERE person_id = $1", person_id)

    async def sealed(self, events: Iterable[IntegrationEvent]) -> list[IntegrationEvent]:
        """The events as they are published: those with a sealed version sealed under their person's key."""
        published: list[IntegrationEvent] = []
        keys: dict[UUID, DataKey] = {}
        for event in events:
            if sealed_version_of(type(event)) is None:
                published.append(event)
                continue
            person_id: UUID = event.person_id  # type: ignore[attr-defined]
            if person_id not in keys:
                keys[person_id] = await self.key_for(person_id)
            key = keys[person_id]
            published.append(seal_event(event, key.key_id, key.key))
        return published
