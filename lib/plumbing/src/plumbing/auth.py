"""Bearer tokens (JWT, HS256) and the caller they name.

Roles: a participant acts on their own profile; a chapter coordinator on their chapter only; a
national administrator on everything; a service for machine calls. `python -m plumbing.auth mint`
mints tokens for the demo and the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .http import ApiError

ALGORITHM = "HS256"
ISSUER = "mentorship-platform"


class Role(StrEnum):
    PARTICIPANT = "participant"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    SERVICE = "service"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    person_id: UUID | None = None
    chapter_id: UUID | None = None

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.SERVICE)

    def is_person(self, person_id: UUID) -> bool:
        return self.person_id is not None and self.person_id == person_id

    def coordinates(self, chapter_id: UUID | None) -> bool:
        return self.role == Role.COORDINATOR and chapter_id is not None and self.chapter_id == chapter_id


def mint(
    secret: str,
    *,
    role: Role | str,
    subject: str | None = None,
    person_id: UUID | str | None = None,
    chapter_id: UUID | str | None = None,
    ttl_seconds: int = 3600,
) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "iat": now, "exp": now + ttl_seconds, "role": str(Role(role)),
              "sub": subject or str(person_id or role)}
    if person_id:
        claims["person_id"] = str(person_id)
    if chapter_id:
        claims["chapter_id"] = str(chapter_id)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "sub", "role"]})
        return Principal(
            subject=claims["sub"],
            role=Role(claims["role"]),
            person_id=UUID(claims["person_id"]) if claims.get("person_id") else None,
            chapter_id=UUID(claims["chapter_id"]) if claims.get("chapter_id") else None,
        )
    except (jwt.PyJWTError, ValueError, KeyError) as error:
        raise ApiError(401, "unauthenticated", f"invalid bearer token: {error}") from error


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    if credentials is None:
        raise ApiError(401, "unauthenticated", "a bearer token is required")
    return verify(request.app.state.service.settings.jwt_secret, credentials.credentials)


def forbidden(message: str = "you may not do this") -> ApiError:
    return ApiError(403, "forbidden", message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m plumbing.auth", description="Mint a development token")
    parser.add_argument("command", choices=["mint"])
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--person-id")
    parser.add_argument("--chapter-id")
    parser.add_argument("--ttl", type=int, default=24 * 3600)
    parser.add_argument("--secret", default=None, help="defaults to JWT_SECRET")
    args = parser.parse_args(argv)
    from .settings import ServiceSettings

    secret = args.secret or ServiceSettings().jwt_secret
    print(mint(secret, role=args.role, person_id=args.person_id, chapter_id=args.chapter_id, ttl_seconds=args.ttl))
    return 0


if __name__ == "__main__":
    sys.exit(main())
