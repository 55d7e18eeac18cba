"""The one place the web app mints service tokens: short-lived, one per call, for one service (its audience).

What a token says (role, person, chapters) comes from profiles through the session the web keeps, never from the
browser. Tokens are signed with the platform's Ed25519 private key, which the web app alone holds; the services
hold only the public key, check that a token is for them, and accept the list of chapters it names.

A token is kept and used again for the same claims (service, role, person, chapters) until a quarter of its life is
left (at least 10 s): signing one costs about 0.2 ms, and a page makes three calls. A token so kept lives no longer
than one minted per call, and changed roles or chapters are other claims, so another token.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from uuid import UUID

from plumbing.auth import Role, mint

KEPT_AT_MOST = 20_000  # tokens kept at once (a few per person browsing); the expired go first, then the oldest


class ServiceTokens:
    def __init__(self, private_key: str, ttl_seconds: int, clock=time.monotonic) -> None:
        self._key = private_key
        self._ttl = ttl_seconds
        # Used until this long after minting: a quarter of the life, and at least 10 s, left for the call.
        self._reuse = max(0.0, ttl_seconds - max(10.0, ttl_seconds / 4))
        self._clock = clock
        self._kept: dict[Hashable, tuple[float, str]] = {}

    def _kept_or_minted(self, claims: Hashable, **mint_claims) -> str:
        now = self._clock()
        kept = self._kept.get(claims)
        if kept is not None and now < kept[0]:
            return kept[1]
        token = mint(self._key, ttl_seconds=self._ttl, **mint_claims)
        if len(self._kept) >= KEPT_AT_MOST:
            self._forget(now)
        self._kept[claims] = (now + self._reuse, token)
        return token

    def _forget(self, now: float) -> None:
        for claims in [c for c, (until, _) in self._kept.items() if until <= now]:
            del self._kept[claims]
        while len(self._kept) >= KEPT_AT_MOST:  # all still usable: the oldest go (dicts keep insertion order)
            del self._kept[next(iter(self._kept))]

    def for_person(self, audience: str, person_id: UUID, chapter_ids: list[UUID]) -> str:
        """A participant acting on their own data (`audience`: the service called)."""
        return self._kept_or_minted(("person", audience, person_id, tuple(chapter_ids)), audience=audience,
                                    role=Role.PARTICIPANT, person_id=person_id, chapter_ids=chapter_ids)

    def for_staff(self, audience: str, person_id: UUID, role: Role | str, chapter_ids: list[UUID]) -> str:
        """A coordinator (`chapter_ids`: the chapters they coordinate) or an administrator, as profiles says; the
        token names the staff person, so what they do is audited as theirs."""
        return self._kept_or_minted(("staff", audience, person_id, str(role), tuple(chapter_ids)), audience=audience,
                                    role=role, person_id=person_id, chapter_ids=chapter_ids)

    def for_newcomer(self, audience: str) -> str:
        """Someone who confirmed their address and registers themselves (no person yet)."""
        return self._kept_or_minted(("newcomer", audience), audience=audience, role=Role.PARTICIPANT,
                                    subject="web-sign-up")

    def for_web(self, audience: str) -> str:
        """The web app itself, for what no person may ask: finding who holds an address, at sign-in."""
        return self._kept_or_minted(("web", audience), audience=audience, role=Role.SERVICE, subject="web")
