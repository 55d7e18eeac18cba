"""Bearer tokens (JWT signed with Ed25519, "EdDSA") and the caller they name.

Roles: a participant acts on their own profile; a chapter coordinator on the chapters their token names, and a
coordinator token that names none is refused (no chapter means no access); a national administrator on
everything; a service for machine calls.

Whoever mints tokens holds the private key (the web app; in development `python -m plumbing.auth mint`); the
services hold the public key only (`JWT_PUBLIC_KEY`), so none of them can forge a token for another. A token names
its audience, the services it is for (`aud`, a service's name), and lives minutes, an hour at most.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from uuid import UUID

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .http import ApiError

ALGORITHM = "EdDSA"
ISSUER = "mentorship-platform"
DEFAULT_TTL_SECONDS = 15 * 60
# A token that claims to live longer is refused, whoever signed it.
MAX_TTL_SECONDS = 60 * 60
# Where the local runner keeps the secrets it generated (`python -m devinfra up`), under the repository.
RUNNER_SECRETS = Path(".run") / "secrets.json"


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
    # The chapters a coordinator coordinates: never empty for a verified coordinator.
    chapter_ids: frozenset[UUID] = frozenset()

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.SERVICE)

    def is_person(self, person_id: UUID) -> bool:
        return self.person_id is not None and self.person_id == person_id

    def coordinates(self, chapter_id: UUID | None) -> bool:
        return self.role == Role.COORDINATOR and chapter_id is not None and chapter_id in self.chapter_ids

    def chapter_scope(self, requested: UUID | None) -> UUID | None:
        """The chapter a coordinator's listing is about: the one requested if they coordinate it, else their only
        chapter when they name none. None when neither (the caller then refuses: it fails closed)."""
        if requested is not None:
            return requested if self.coordinates(requested) else None
        if self.role == Role.COORDINATOR and len(self.chapter_ids) == 1:
            return next(iter(self.chapter_ids))
        return None


@dataclass(frozen=True)
class SigningKeys:
    """An Ed25519 key pair in PEM: the private key mints tokens, the public key (`JWT_PUBLIC_KEY`) verifies them."""

    private_pem: str
    public_pem: str

    @classmethod
    def generate(cls) -> SigningKeys:
        private = Ed25519PrivateKey.generate()
        return cls(
            private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode(),
            private.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
        )


@lru_cache(maxsize=8)
def load_public_key(pem: str) -> Ed25519PublicKey:
    """The Ed25519 public key of a PEM text; ValueError when it is anything else (a private key included)."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as error:
        raise ValueError("not a public key in PEM") from error
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"an Ed25519 public key is needed, not {type(key).__name__}")
    return key


_PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)


@lru_cache(maxsize=8)
def load_public_keys(pem: str) -> tuple[Ed25519PublicKey, ...]:
    """The Ed25519 public keys of a PEM text holding one or more (two while a key is rotated: the new one beside the
    old); ValueError when any is anything else."""
    return tuple(load_public_key(block) for block in _PEM_BLOCK.findall(pem) or [pem])


@lru_cache(maxsize=8)
def _private_key(pem: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as error:
        raise ValueError("not an Ed25519 private key in PEM") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"an Ed25519 private key is needed, not {type(key).__name__}")
    return key


def signs_for(private_key: str, public_keys: str) -> bool:
    """Whether tokens signed with `private_key` are verified by one of `public_keys` (PEM); ValueError when either
    is not an Ed25519 key in PEM."""
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    mine = _private_key(private_key).public_key().public_bytes(*raw)
    return any(key.public_bytes(*raw) == mine for key in load_public_keys(public_keys))


def mint(
    private_key: str,
    *,
    audience: str | Iterable[str],
    role: Role | str,
    subject: str | None = None,
    person_id: UUID | str | None = None,
    chapter_id: UUID | str | None = None,
    chapter_ids: Iterable[UUID | str] = (),
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
) -> str:
    """A token for the services named in `audience`; `chapter_id` is a shorthand for one chapter."""
    now = int(time.time())
    chapters = [str(c) for c in (*chapter_ids, *([chapter_id] if chapter_id else []))]
    claims: dict = {"iss": ISSUER, "iat": now, "exp": now + ttl_seconds, "role": str(Role(role)),
                    "sub": subject or str(person_id or role),
                    "aud": audience if isinstance(audience, str) else list(audience)}
    if person_id:
        claims["person_id"] = str(person_id)
    if chapters:
        claims["chapters"] = chapters
    return jwt.encode(claims, _private_key(private_key), algorithm=ALGORITHM)


def verify(public_key: str, token: str, *, audience: str) -> Principal:
    """The caller a token names, if it is signed by the key pair of `public_key` (of one of them, while a key is
    rotated), for `audience`, and current."""
    try:
        claims = _decoded(token, load_public_keys(public_key), audience)
        if claims["exp"] - claims["iat"] > MAX_TTL_SECONDS:
            raise ValueError(f"a token lives {MAX_TTL_SECONDS} seconds at most")
        role = Role(claims["role"])
        chapters = frozenset(UUID(c) for c in claims.get("chapters") or ())
        if role == Role.COORDINATOR and not chapters:
            raise ValueError("a coordinator's token names the chapters they coordinate")
        return Principal(
            subject=claims["sub"],
            role=role,
            person_id=UUID(claims["person_id"]) if claims.get("person_id") else None,
            chapter_ids=chapters,
        )
    except (jwt.PyJWTError, ValueError, KeyError, TypeError) as error:
        raise ApiError(401, "unauthenticated", f"invalid bearer token: {error}") from error


_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    if credentials is None:
        raise ApiError(401, "unauthenticated", "a bearer token is required")
    settings = request.app.state.service.settings
    return verify_kept(settings.jwt_public_key, credentials.credentials, audience=settings.service_name)


def forbidden(message: str = "you may not do this") -> ApiError:
    return ApiError(403, "forbidden", message)


def development_private_key(key_file: str | None = None) -> str:
    """The private key the development command signs with: `JWT_PRIVATE_KEY`, else the file `key_file` (or
    `JWT_PRIVATE_KEY_FILE`) names, else the one the local runner generated (`.run/secrets.json` of the
    repository this runs in)."""
    if os.environ.get("JWT_PRIVATE_KEY"):
        return os.environ["JWT_PRIVATE_KEY"]
    key_file = key_file or os.environ.get("JWT_PRIVATE_KEY_FILE")
    if key_file:
        return Path(key_file).read_text()
    for directory in (Path.cwd(), *Path.cwd().parents):
        if (directory / RUNNER_SECRETS).is_file():
            return json.loads((directory / RUNNER_SECRETS).read_text())["jwt_private_key"]
    raise SystemExit("no private key: set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, or start the local platform "
                     "(`python -m devinfra up` generates one in .run/secrets.json)")


def main(argv: list[str] | None = None) -> int:
    from .kafka_access import platform_services

    parser = argparse.ArgumentParser(prog="python -m plumbing.auth", description="Mint a development token")
    parser.add_argument("command", choices=["mint"])
    parser.add_argument("--role", required=True, choices=[r.value for r in Role])
    parser.add_argument("--person-id")
    parser.add_argument("--chapter-id", action="append", default=[], help="a chapter coordinated (repeat for more)")
    parser.add_argument("--audience", action="append", help="a service the token is for (repeat; default: all)")
    parser.add_argument("--subject")
    parser.add_argument("--ttl", type=int, default=MAX_TTL_SECONDS, help=f"seconds, {MAX_TTL_SECONDS} at most")
    parser.add_argument("--key-file", help="the Ed25519 private key (PEM); default: see development_private_key")
    args = parser.parse_args(argv)
    if not 0 < args.ttl <= MAX_TTL_SECONDS:
        parser.error(f"--ttl: services refuse tokens that live over {MAX_TTL_SECONDS} seconds")
    print(mint(development_private_key(args.key_file), audience=args.audience or platform_services(),
               role=args.role, subject=args.subject, person_id=args.person_id, chapter_ids=args.chapter_id,
               ttl_seconds=args.ttl))
    return 0


if __name__ == "__main__":
    sys.exit(main())


# Tokens verified, kept until they expire: the web uses a token for most of its life (a minute or two), and checking
# an Ed25519 signature and the claims again for each call was a tenth of a service's CPU. Keyed by the whole token,
# the key and the audience, so only that exact token, already found good, is accepted again, and only until its exp.
VERIFIED_KEPT_AT_MOST = 10_000
_verified: dict[tuple[str, str, str], tuple[Principal, float]] = {}


def _decoded(token: str, keys: tuple[Ed25519PublicKey, ...], audience: str) -> dict:
    """The claims of a token signed by one of `keys` (the last key's refusal when none signed it)."""
    def decoded(key: Ed25519PublicKey) -> dict:
        return jwt.decode(token, key, algorithms=[ALGORITHM], audience=audience, issuer=ISSUER,
                          options={"require": ["exp", "iat", "iss", "aud", "sub", "role"]})

    *earlier, last = keys
    for key in earlier:
        with contextlib.suppress(jwt.InvalidSignatureError):
            return decoded(key)
    return decoded(last)


def verify_kept(public_key: str, token: str, *, audience: str) -> Principal:
    """`verify`, remembered for the token's life (it is refused from its expiry on, as `verify` would)."""
    key = (public_key, audience, token)
    now = time.time()
    kept = _verified.get(key)
    if kept is not None and now < kept[1]:
        return kept[0]
    principal = verify(public_key, token, audience=audience)
    expires = float(jwt.decode(token, options={"verify_signature": False})["exp"])
    if len(_verified) >= VERIFIED_KEPT_AT_MOST:
        for stale in [k for k, (_, until) in _verified.items() if until <= now] or list(_verified):
            del _verified[stale]
    _verified[key] = (principal, expires)
    return principal
