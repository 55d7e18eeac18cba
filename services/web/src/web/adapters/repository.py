"""The web app's tables (sessions, sign-in links, rate-limit entries) on the unit of work's connection."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import asyncpg

from ..domain.sign_in import OidcAttempt, Session, SignInLink

_LINK_COLUMNS = "digest, email, expires_at, used_at, back_to, person_id, asked_by, code_digest, code_tries"
_SESSION_COLUMNS = ("digest, csrf_token, expires_at, person_id, email, chapter_id, stage, language, timezone, "
                    "administrator, coordinator_of, roles_stale, is_alumni, signed_in_at")


class PostgresSignInLinks:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, link: SignInLink) -> None:
        await self._conn.execute(
            "INSERT INTO sign_in_links (digest, email, expires_at, back_to, person_id, asked_by, code_digest) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            link.digest, link.email, link.expires_at, link.back_to, link.person_id, link.asked_by, link.code_digest)

    async def get(self, digest: str, lock: bool = False) -> SignInLink | None:
        row = await self._conn.fetchrow(
            f"SELECT {_LINK_COLUMNS} FROM sign_in_links WHERE digest = $1{' FOR UPDATE' if lock else ''}", digest)
        return SignInLink(**row) if row else None

    async def newest_asked_by(self, browser: str, lock: bool = False) -> SignInLink | None:
        row = await self._conn.fetchrow(
            f"SELECT {_LINK_COLUMNS} FROM sign_in_links WHERE asked_by = $1 ORDER BY expires_at DESC LIMIT 1"
            f"{' FOR UPDATE' if lock else ''}", browser)
        return SignInLink(**row) if row else None

    async def note_wrong_code(self, digest: str) -> int:
        return await self._conn.fetchval(
            "UPDATE sign_in_links SET code_tries = code_tries + 1 WHERE digest = $1 RETURNING code_tries", digest)

    async def mark_used(self, digest: str, at: datetime) -> None:
        await self._conn.execute("UPDATE sign_in_links SET used_at = $2 WHERE digest = $1", digest, at)
        await self._conn.execute("UPDATE sign_in_requests SET followed = true WHERE link_digest = $1", digest)

    async def count_recent(self, key: str, since: datetime) -> int:
        return await self._conn.fetchval(
            "SELECT count(*) FROM sign_in_requests WHERE key = $1 AND asked_at > $2 AND NOT followed", key, since)

    async def note_request(self, key: str, at: datetime, link_digest: str) -> None:
        await self._conn.execute("INSERT INTO sign_in_requests (key, asked_at, link_digest) VALUES ($1, $2, $3)",
                                 key, at, link_digest)

    async def forget_person(self, person_id: UUID) -> None:
        await self._conn.execute(
            "DELETE FROM sign_in_requests WHERE link_digest IN (SELECT digest FROM sign_in_links WHERE person_id = $1)",
            person_id)
        await self._conn.execute("DELETE FROM sign_in_links WHERE person_id = $1", person_id)

    async def forget_expired(self, now: datetime, requests_before: datetime) -> int:
        links = await self._conn.fetch("DELETE FROM sign_in_links WHERE expires_at <= $1 RETURNING 1", now)
        await self._conn.execute("DELETE FROM sign_in_requests WHERE asked_at <= $1", requests_before)
        return len(links)


class PostgresSessions:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, session: Session) -> None:
        await self._conn.execute(
            f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "$14)",
            session.digest, session.csrf_token, session.expires_at, session.person_id, session.email,
            session.chapter_id, session.stage, session.language, session.timezone, session.administrator,
            list(session.coordinator_of), session.roles_stale, session.is_alumni, session.signed_in_at)

    async def get(self, digest: str) -> Session | None:
        row = await self._conn.fetchrow(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE digest = $1", digest)
        if row is None:
            return None
        return Session(**{**row, "coordinator_of": tuple(row["coordinator_of"] or ())})

    async def save(self, session: Session) -> None:
        """Everything but `signed_in_at`, which only a sign-in sets (a new session): renewal never makes it recent."""
        await self._conn.execute(
            "UPDATE sessions SET person_id = $2, email = $3, chapter_id = $4, stage = $5, language = $6, "
            "timezone = $7, expires_at = $8, administrator = $9, coordinator_of = $10, roles_stale = $11, "
            "is_alumni = $12 WHERE digest = $1",
            session.digest, session.person_id, session.email, session.chapter_id, session.stage, session.language,
            session.timezone, session.expires_at, session.administrator, list(session.coordinator_of),
            session.roles_stale, session.is_alumni)

    async def remove(self, digest: str) -> None:
        await self._conn.execute("DELETE FROM sessions WHERE digest = $1", digest)

    async def remove_person(self, person_id: UUID, keep: str | None = None) -> int:
        """Sign the person out everywhere (but the session `keep` names, by its digest)."""
        return len(await self._conn.fetch(
            "DELETE FROM sessions WHERE person_id = $1 AND digest IS DISTINCT FROM $2 RETURNING 1", person_id, keep))

    async def update_person(self, person_id: UUID, chapter_id: UUID | None, stage: str, is_alumni: bool,
                            language: str | None = None, timezone: str | None = None) -> None:
        await self._conn.execute(
            "UPDATE sessions SET chapter_id = $2, stage = $3, is_alumni = $4, language = coalesce($5, language), "
            "timezone = coalesce($6, timezone) WHERE person_id = $1",
            person_id, chapter_id, stage, is_alumni, language, timezone)

    async def roles_changed(self, person_id: UUID) -> None:
        """Profiles says the person's staff roles changed: their sessions read them again at the next request."""
        await self._conn.execute("UPDATE sessions SET roles_stale = true WHERE person_id = $1", person_id)

    async def forget_expired(self, now: datetime) -> int:
        return len(await self._conn.fetch("DELETE FROM sessions WHERE expires_at <= $1 RETURNING 1", now))


class PostgresOidcAttempts:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def add(self, attempt: OidcAttempt) -> None:
        await self._conn.execute(
            "INSERT INTO oidc_attempts (state_digest, browser_digest, nonce, code_verifier, back_to, expires_at) "
            "VALUES ($1, $2, $3, $4, $5, $6)", attempt.state_digest, attempt.browser_digest, attempt.nonce,
            attempt.code_verifier, attempt.back_to, attempt.expires_at)

    async def take(self, state_digest: str) -> OidcAttempt | None:
        """The attempt, removed: a state works once."""
        row = await self._conn.fetchrow(
            "DELETE FROM oidc_attempts WHERE state_digest = $1 RETURNING state_digest, browser_digest, nonce, "
            "code_verifier, back_to, expires_at", state_digest)
        return OidcAttempt(**row) if row else None

    async def forget_expired(self, now: datetime) -> int:
        return len(await self._conn.fetch("DELETE FROM oidc_attempts WHERE expires_at <= $1 RETURNING 1", now))
