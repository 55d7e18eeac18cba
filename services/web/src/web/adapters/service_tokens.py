"""The one place the web app mints service tokens: short-lived, one per call, for the signed-in person.

What a token says (role, person, chapter) comes from profiles through the session the web keeps, never from the
browser. When the platform's tokens become asymmetric (EdDSA, one audience per service, a list of chapters), this
file is the one to change: the web then holds the private key, the services only the public one.
"""

from __future__ import annotations

from uuid import UUID

from plumbing.auth import Role, mint


class ServiceTokens:
    def __init__(self, signing_key: str, ttl_seconds: int) -> None:
        self._key = signing_key
        self._ttl = ttl_seconds

    def for_person(self, audience: str, person_id: UUID, chapter_ids: list[UUID]) -> str:
        """A participant acting on their own data (`audience`: the service called)."""
        return mint(self._key, role=Role.PARTICIPANT, person_id=person_id,
                    chapter_id=chapter_ids[0] if chapter_ids else None, ttl_seconds=self._ttl)

    def for_newcomer(self, audience: str) -> str:
        """Someone who confirmed their address and registers themselves (no person yet)."""
        return mint(self._key, role=Role.PARTICIPANT, subject="web-sign-up", ttl_seconds=self._ttl)

    def for_web(self, audience: str) -> str:
        """The web app itself, for what no person may ask: finding who holds an address, at sign-in."""
        return mint(self._key, role=Role.SERVICE, subject="web", ttl_seconds=self._ttl)
