"""A consumer's source of people's data keys, to open sealed events (and a producer's besides profiles, to seal
them, `sealed`): asks profiles (`GET /v1/data-keys`), signing each request as its own service, and keeps what it
learnt briefly.

A key profiles no longer has is gone for good (the person was erased): the answer is remembered and the events
sealed under it are skipped. When profiles cannot answer (down, a timeout, a 5xx), `KeysUnavailable` is raised:
the consumer waits and asks again, and never skips an event for it.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from mentorship_contracts import IntegrationEvent, sealed_version_of

from .personal_data import check_service_key, private_pem, seal_event

DATA_KEYS_PATH = "/v1/data-keys"
# People asked for in one request, at most (profiles refuses more).
MAX_PEOPLE_PER_REQUEST = 100
_TOKEN_SECONDS = 5 * 60


class KeysUnavailable(Exception):
    """Profiles did not answer whether these keys exist: try again later."""


@dataclass(frozen=True)
class DataKey:
    key_id: str
    key: bytes


class PersonKeys:
    def __init__(self, profiles_url: str, *, service: str, service_key: str, ttl_seconds: float = 60.0,
                 timeout_seconds: float = 5.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._url = profiles_url.rstrip("/")
        self._service = service
        check_service_key(service, service_key)  # refused by its variable's name, not as a base64 error
        self._pem = private_pem(service_key)
        self._ttl = ttl_seconds
        self._timeout = timeout_seconds
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._token: tuple[float, str] | None = None
        # person -> (known until, the key or None when gone); gone is forever, a key is kept `ttl_seconds`.
        self._known: dict[UUID, tuple[float, DataKey | None]] = {}
        self.requests = 0  # how many times profiles was asked (tests and figures)

    def _bearer(self) -> str:
        from . import auth  # here: auth's module imports the HTTP app, which imports the consumer

        now = time.monotonic()
        if self._token is None or self._token[0] <= now:
            token = auth.mint(self._pem, audience="profiles", role=auth.Role.SERVICE, subject=self._service,
                              ttl_seconds=_TOKEN_SECONDS)
            self._token = (now + _TOKEN_SECONDS - 30, token)
        return self._token[1]

    def forget(self, person_id: UUID) -> None:
        """Ask again next time (a key id that does not match the one remembered)."""
        known = self._known.get(person_id)
        if known is not None and known[1] is not None:
            del self._known[person_id]

    async def keys_for(self, people: Iterable[UUID]) -> dict[UUID, DataKey | None]:
        """Each person's current data key, or None when they have none any more (erased)."""
        now = time.monotonic()
        wanted = set(people)
        found = {p: self._known[p][1] for p in wanted if p in self._known and self._known[p][0] > now}
        missing = sorted(wanted - set(found), key=str)
        for start in range(0, len(missing), MAX_PEOPLE_PER_REQUEST):
            chunk = missing[start:start + MAX_PEOPLE_PER_REQUEST]
            answered = await self._ask(chunk)
            for person in chunk:
                key = answered.get(person)
                self._known[person] = (float("inf") if key is None else now + self._ttl, key)
                found[person] = key
        if len(self._known) > 10_000:  # bounded: drop what has expired
            self._known = {p: v for p, v in self._known.items() if v[0] > now}
        return found

    async def _ask(self, people: list[UUID]) -> dict[UUID, DataKey]:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self._url, timeout=self._timeout, transport=self._transport)
        self.requests += 1
        try:
            response = await self._client.get(DATA_KEYS_PATH, params=[("person_id", str(p)) for p in people],
                                              headers={"Authorization": f"Bearer {self._bearer()}"})
        except httpx.HTTPError as error:
            raise KeysUnavailable(f"profiles did not answer: {type(error).__name__}") from error
        if response.status_code != 200:
            raise KeysUnavailable(f"profiles answered {response.status_code} to {DATA_KEYS_PATH}")

        return {UUID(k["person_id"]): DataKey(k["key_id"], base64.urlsafe_b64decode(k["key"]))
                for k in response.json()["keys"]}

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


async def sealed(events: Iterable[IntegrationEvent], keys: PersonKeys) -> list[IntegrationEvent]:
    """The events as a service other than profiles publishes them: those with a sealed version sealed under their
    person's key, asked of profiles (`KeysUnavailable` when it cannot answer: nothing is published then); the sealed
    events of a person with no key left (erased) are left out, as nobody is left to read them."""
    events = list(events)
    people = {e.person_id for e in events if sealed_version_of(type(e))}  # type: ignore[attr-defined]
    found = await keys.keys_for(people) if people else {}
    published: list[IntegrationEvent] = []
    for event in events:
        if sealed_version_of(type(event)) is None:
            published.append(event)
        elif (key := found[event.person_id]) is not None:  # type: ignore[attr-defined]
            published.append(seal_event(event, key.key_id, key.key))
    return published


def of_settings(settings: Any) -> PersonKeys:
    """The key source of a consumer of restricted topics, from its settings: `profiles_url`, and its own signing key
    in the secret field `service_key` (`<SERVICE>_SERVICE_KEY`)."""
    return PersonKeys(settings.profiles_url, service=settings.service_name, service_key=settings.secret("service_key"),
                      ttl_seconds=settings.data_key_cache_seconds)
