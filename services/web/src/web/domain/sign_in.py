"""Sign-in by email link and sessions: the rules, pure.

A link carries 32 random bytes and nothing else; only their SHA-256 is kept, so a copy of the database signs no
one in. A link works once, within its lifetime, and only from its confirmation page (POST): a mail scanner that
fetches the link uses nothing up. Its email also carries a six-digit code, for whoever reads their email on another
device than the one that asked (a hospital's workstation, say): typed there, and only there, it does what the link
does, until CODE_TRIES wrong ones. Only a digest of the code with that browser's secret cookie is kept.
A session is an opaque random id, kept as its digest too; signing in always
makes a new one (no fixation), and signing out or erasure deletes it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from plumbing.errors import Invalid

TOKEN_BYTES = 32
CODE_DIGITS = 6
# Wrong codes typed before a code stops working: 5 guesses in a million for whoever has the browser that asked.
CODE_TRIES = 5
# And for an address, whatever links were asked for it: someone asking for another's links from their own browser
# has 10 guesses a day (one chance in 100,000), not 5 a link; the links in the emails still work.
CODE_TRIES_PER_ADDRESS, CODE_WINDOW = 10, timedelta(days=1)
RATE_WINDOW = timedelta(minutes=15)
# A session in use is kept signed in by renewing it, at most this often.
RENEWED_AT_MOST_EVERY = timedelta(hours=1)
# Changing the address or erasing the account needs a sign-in this recent: time to follow the emailed link and finish,
# too short for a session left open on a borrowed phone or a shared computer (or a stolen cookie) to be used for it.
RECENT_SIGN_IN = timedelta(minutes=15)


class LinkNotUsable(Invalid, code="sign_in_link_not_usable"):
    """Used, expired or unknown: the person asks for a new one. Which of the three is not said."""


class WrongCode(Invalid, code="wrong_sign_in_code"):
    """Not the code the newest email to this browser carries; `tries_left` more may be tried."""

    def __init__(self, message: str, *, tries_left: int) -> None:
        super().__init__(message, field="code")
        self.tries_left = tries_left


class CodeUsedUp(Invalid, code="sign_in_code_used_up"):
    """CODE_TRIES wrong codes were typed: the code no longer works (the link in the email still does)."""


class TooManyLinks(Invalid, code="too_many_sign_in_links"):
    """Too many links asked for, for this address or from this client, within the window."""


class SignInEmailNotSent(Invalid, code="sign_in_email_not_sent"):
    """The mail server did not take the link: said so, not "check your email" (for a known address or an unknown
    one alike: both are sent an email, so this tells nothing of who is registered)."""


class NotOneAddress(Invalid, code="not_an_email_address"):
    """What was typed is not one email address (a list of them would be mailed every one, each beyond its limit)."""


class AccountSuspended(Invalid, code="account_suspended"):
    """A coordinator or administrator suspended the account: no sign-in until it is reinstated."""


def new_secret() -> str:
    """A fresh random token (URL-safe text of 32 random bytes)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(secret: str) -> str:
    """What is stored of a token or a session id."""
    return hashlib.sha256(secret.encode()).hexdigest()


def one_address(typed: str) -> str:
    """The one address typed, its domain in lower case: nothing else (no list, no display name) is mailed."""
    try:
        return validate_email(typed.strip(), check_deliverability=False, allow_display_name=False).normalized
    except EmailNotValidError:
        raise NotOneAddress("enter one email address, like name@example.org", field="email") from None


def address_key(email: str) -> str:
    """The rate-limit key of an address: its digest, so the table holds no address."""
    return "address:" + digest(email.strip().lower())


def new_code() -> str:
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(browser: str, code: str) -> str:
    """What is kept of a code: useless without the secret cookie of the browser that asked for it."""
    return digest(f"{browser}:{code}")


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class SignInLink:
    digest: str
    email: str
    expires_at: datetime
    used_at: datetime | None = None
    back_to: str = "/"  # the page the person was going to; kept here as the link may open in another browser
    person_id: UUID | None = None  # whose address it is, when profiles knew it: their erasure forgets the link
    asked_by: str | None = None  # the digest of the browser that asked for it, where its code may be typed
    code_digest: str | None = None
    code_tries: int = 0  # wrong codes typed so far

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def code_used_up(self) -> bool:
        return self.code_digest is None or self.code_tries >= CODE_TRIES


def check_rate(asked_recently: int, limit: int) -> None:
    if asked_recently >= limit:
        raise TooManyLinks("too many sign-in links asked for; try again in a quarter of an hour")


@dataclass
class Session:
    """A signed-in browser. Before sign-up is finished it knows only the confirmed address (`person_id` None).

    The role, person, chapter, stage and alumni standing come from profiles, at sign-in and whenever the web changes the profile:
    the service tokens minted for this session say what profiles says, never what the browser says."""

    digest: str
    csrf_token: str
    expires_at: datetime
    person_id: UUID | None = None
    email: str | None = None  # only until sign-up has registered the person
    chapter_id: UUID | None = None
    stage: str | None = None
    language: str | None = None
    timezone: str | None = None
    is_alumni: bool = False
    # Staff roles, as profiles says at sign-in; `roles_stale` when profiles announced a change (read again).
    administrator: bool = False
    coordinator_of: tuple[UUID, ...] = ()
    roles_stale: bool = False
    # When its person last proved they hold the address (a link, or the identity provider); None: not known.
    signed_in_at: datetime | None = None

    def recently_signed_in(self, now: datetime) -> bool:
        """Signed in within `RECENT_SIGN_IN` (renewal does not count: it proves nothing of who holds the browser)."""
        return self.signed_in_at is not None and now - self.signed_in_at < RECENT_SIGN_IN

    @property
    def staff(self) -> bool:
        return self.administrator or bool(self.coordinator_of)

    def take_roles(self, roles: dict[str, Any] | None) -> None:
        """The roles of profiles' answer (`{"administrator", "coordinator_of"}`); none when it says nothing."""
        roles = roles or {}
        self.administrator = bool(roles.get("administrator"))
        self.coordinator_of = tuple(UUID(str(c)) for c in roles.get("coordinator_of") or ())
        self.roles_stale = False

    @property
    def signed_up(self) -> bool:
        return self.person_id is not None

    def live(self, now: datetime) -> bool:
        return now < self.expires_at

    def renew(self, now: datetime, idle: timedelta) -> bool:
        """Keep a session in use signed in for `idle` from now, so only one left idle that long ends; at most once in
        `RENEWED_AT_MOST_EVERY` (not at each of a page's requests). Whether it was renewed. Its `signed_in_at` stays:
        a session kept in use is not a recent sign-in."""
        if self.expires_at - now > idle - RENEWED_AT_MOST_EVERY:
            return False
        self.expires_at = now + idle
        return True


# --- sign-in through an organization's identity provider (OpenID Connect) ------------------------------------------

OIDC_ATTEMPT_LIFETIME = timedelta(minutes=10)


class ProviderSignInFailed(Invalid, code="provider_sign_in_failed"):
    """The identity provider's answer could not be used: refused, unknown or expired attempt, another browser's,
    or a token that does not check out."""


class EmailNotVerified(Invalid, code="email_not_verified"):
    """The identity provider does not vouch for the email address: it is not used to find anyone."""


@dataclass(frozen=True)
class OidcAttempt:
    """A sign-in begun at the provider: found again by its state (kept as a digest), only from the same browser."""

    state_digest: str
    browser_digest: str
    nonce: str
    code_verifier: str
    back_to: str
    expires_at: datetime


def verified_email(claims: dict[str, Any]) -> str:
    """The email address of an ID token's claims, if the provider says it is verified (true, not merely present)."""
    email = claims.get("email")
    verified = claims.get("email_verified")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        raise EmailNotVerified("the identity provider gave no email address")
    if verified is not True and verified != "true":
        raise EmailNotVerified("the identity provider does not say this email address is verified")
    return email.strip()
