"""What the sign-in handlers need: the web's own tables (as Protocols), the mailer, and the people directory."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from plumbing.unit_of_work import UnitOfWorkPort

from ..domain.sign_in import OidcAttempt, Session, SignInLink


class SignInLinks(Protocol):
    async def add(self, link: SignInLink) -> None: ...

    async def get(self, digest: str, lock: bool = False) -> SignInLink | None: ...

    async def mark_used(self, digest: str, at: datetime) -> None:
        """The link signed someone in: the requests that asked for it no longer count (`count_recent`)."""

    async def count_recent(self, key: str, since: datetime) -> int:
        """Links asked for under `key` (an address's or a client's) since then and not followed."""

    async def note_request(self, key: str, at: datetime, link_digest: str) -> None: ...

    async def newest_asked_by(self, browser: str, lock: bool = False) -> SignInLink | None:
        """The last link the browser (its digest) asked for, used or not."""

    async def note_wrong_code(self, digest: str) -> int:
        """One more wrong code typed for the link; how many so far."""

    async def forget_person(self, person_id: UUID) -> None:
        """The links mailed to the person, and the rate-limit entries that asked for them (their address's digest)."""

    async def forget_expired(self, now: datetime, requests_before: datetime) -> int: ...


class Sessions(Protocol):
    async def add(self, session: Session) -> None: ...

    async def get(self, digest: str) -> Session | None: ...

    async def save(self, session: Session) -> None: ...

    async def remove(self, digest: str) -> None: ...

    async def remove_person(self, person_id: UUID, keep: str | None = None) -> int: ...

    async def update_person(self, person_id: UUID, chapter_id: UUID | None, stage: str, is_alumni: bool,
                            language: str | None = None, timezone: str | None = None) -> None:
        """Every session of the person; a language or time zone of None leaves each session's own."""

    async def forget_expired(self, now: datetime) -> int: ...

    async def roles_changed(self, person_id: UUID) -> None: ...


class OidcAttempts(Protocol):
    async def add(self, attempt: OidcAttempt) -> None: ...

    async def take(self, state_digest: str) -> OidcAttempt | None: ...

    async def forget_expired(self, now: datetime) -> int: ...


class WebUnitOfWorkPort(UnitOfWorkPort, Protocol):
    @property
    def links(self) -> SignInLinks: ...

    @property
    def oidc(self) -> OidcAttempts: ...

    @property
    def sessions(self) -> Sessions: ...


class Mailer(Protocol):
    async def send(self, to: str, subject: str, text: str, html: str, *, language: str) -> bool: ...


class IdentityProvider(Protocol):
    """An organization's OpenID Connect provider, as the web app's client of it sees it."""

    async def authorization_url(self, state: str, nonce: str, code_verifier: str) -> str: ...

    async def claims(self, code: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        """The checked claims of the ID token the code is exchanged for (signature, issuer, audience, nonce,
        lifetime), or ProviderSignInFailed."""
        ...


class Directory(Protocol):
    """Who holds an address, as profiles says (the person's JSON, or None)."""

    async def find_person_by_email(self, email: str) -> dict[str, Any] | None: ...
