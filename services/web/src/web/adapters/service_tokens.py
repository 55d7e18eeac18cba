"""The one place the web app mints service tokens: short-lived, one per call, for one service (its audience).

What a token says (role, person, chapters) comes from profiles through the session the web keeps, never from the
browser. Tokens are signed with the platform's Ed25519 private key, which the web app alone holds; the services
hold only the public key, check that a token is for them, and accept the list of chapters it names.
"""

from __future__ import annotations

from uuid import UUID

from plumbing.auth import Role, mint


class ServiceTokens:
    def __init__(self, private_key: str, ttl_seconds: int) -> None:
        self._key = private_key
        self._ttl = ttl_seconds

    def for_person(self, audience: str, person_id: UUID, chapter_ids: list[UUID]) -> str:
        """A participant acting on their own data (`audience`: the service called)."""
        return mint(self._key, audience=audience, role=Role.PARTICIPANT, person_id=person_id, chapter_ids=chapter_ids,
                    ttl_seconds=self._ttl)

    def for_staff(self, audience: str, person_id: UUID, role: Role | str, chapter_ids: list[UUID]) -> str:
        """A coordinator (`chapter_ids`: the chapters they coordinate) or an administrator, as profiles says; the
        token names the staff person, so what they do is audited as theirs."""
        return mint(self._key, audience=audience, role=role, person_id=person_id, chapter_ids=chapter_ids,
                    ttl_seconds=self._ttl)

    def for_newcomer(self, audience: str) -> str:
        """Someone who confirmed their address and registers themselves (no person yet)."""
        return mint(self._key, audience=audience, role=Role.PARTICIPANT, subject="web-sign-up", ttl_seconds=self._ttl)

    def for_web(self, audience: str) -> str:
        """The web app itself, for what no person may ask: finding who holds an address, at sign-in."""
        return mint(self._key, audience=audience, role=Role.SERVICE, subject="web", ttl_seconds=self._ttl)
