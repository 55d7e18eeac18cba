"""Signing in by email link, sessions, and what the web learns from profiles' public people topic.

The answer to "send me a link" is the same whether or not the address is known: an unknown address gets a link
that leads to sign-up (its owner confirms it by clicking), a known one a link that signs in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from mentorship_contracts import profiles

from ..domain.sign_in import (
    CODE_TRIES,
    CODE_TRIES_PER_ADDRESS,
    CODE_WINDOW,
    OIDC_ATTEMPT_LIFETIME,
    RATE_WINDOW,
    AccountSuspended,
    CodeUsedUp,
    LinkNotUsable,
    OidcAttempt,
    ProviderSignInFailed,
    Session,
    SignInEmailNotSent,
    SignInLink,
    WrongCode,
    address_key,
    check_rate,
    code_digest,
    digest,
    new_code,
    new_secret,
    one_address,
    same,
    verified_email,
)
from .ports import Directory, IdentityProvider, Mailer, WebUnitOfWorkPort

# (language, link URL, whether the address is known, the code to type) -> (subject, text, html)
Compose = Callable[[str, str, bool, str], tuple[str, str, str]]


async def request_link(email: str, client: str, language: str, now: datetime, uow: WebUnitOfWorkPort, *,
                       directory: Directory, mailer: Mailer, compose: Compose, link_url: Callable[[str], str],
                       lifetime: timedelta, limit_per_address: int, limit_per_client: int, browser: str,
                       back_to: str = "/") -> None:
    """Mail a sign-in link to `email`, and a code that `browser` (its secret cookie) may type instead, unless too many
    that nobody followed were asked for it, or from this client, lately: a hall of people on one network (a career
    fair's, a hospital's) who each sign in do not add up. Once used, it leads to `back_to` (a path on this site)."""
    email = one_address(email)
    keys = [(address_key(email), limit_per_address), ("client:" + client, limit_per_client)]
    secret, code = new_secret(), new_code()
    async with uow:
        for key, limit in keys:
            check_rate(await uow.links.count_recent(key, now - RATE_WINDOW), limit)
        for key, _ in keys:
            await uow.links.note_request(key, now, digest(secret))
        await uow.commit()
    person = await directory.find_person_by_email(email)
    async with uow:
        await uow.links.add(SignInLink(digest(secret), email, now + lifetime, back_to=back_to,
                                       person_id=UUID(person["id"]) if person else None,
                                       asked_by=digest(browser), code_digest=code_digest(browser, code)))
        await uow.commit()
    if person and person.get("preferred_language"):
        language = person["preferred_language"]
    if not await mailer.send(email, *compose(language, link_url(secret), person is not None, code),
                             language=language):
        raise SignInEmailNotSent("the mail server did not take the sign-in email", field="email")


async def usable_link(secret: str, now: datetime, uow: WebUnitOfWorkPort) -> SignInLink | None:
    """The link, if it would sign in now (its confirmation page says so, and whose address it is, before the person
    presses the button)."""
    async with uow:
        link = await uow.links.get(digest(secret))
    return link if link is not None and link.usable(now) else None


async def redeem_link(secret: str, previous: str | None, now: datetime, uow: WebUnitOfWorkPort, *,
                      directory: Directory, idle: timedelta) -> tuple[str, Session, str]:
    """Use the link up and open a new session (the browser's previous one, if any, is closed: a new id at each
    sign-in). Returns the new session's secret id, for the cookie, the session, and the page the link leads to."""
    async with uow:
        link = await uow.links.get(digest(secret))
    if link is None or not link.usable(now):
        raise LinkNotUsable("this sign-in link cannot be used: ask for a new one")
    return await _open_session(link, previous, now, uow, directory=directory, idle=idle)


async def redeem_code(code: str, browser: str, previous: str | None, now: datetime, uow: WebUnitOfWorkPort, *,
                      directory: Directory, idle: timedelta) -> tuple[str, Session, str]:
    """As `redeem_link`, by the code of the newest link `browser` asked for, typed in that browser. A wrong code
    counts against it, under the link's lock (guesses sent at once are counted one after another)."""
    async with uow:
        link = await uow.links.newest_asked_by(digest(browser), lock=True)
        if link is None or not link.usable(now):
            raise LinkNotUsable("no sign-in code can be used here: ask for a new one")
        wrong_for_address = _wrong_codes_key(link.email)
        if link.code_used_up() or await uow.links.count_recent(wrong_for_address, now - CODE_WINDOW) \
                >= CODE_TRIES_PER_ADDRESS:
            raise CodeUsedUp("too many wrong codes: follow the link in the email, or ask for a new one")
        if not same(link.code_digest or "", code_digest(browser, code)):
            tries = await uow.links.note_wrong_code(link.digest)
            await uow.links.note_request(wrong_for_address, now, link.digest)
            await uow.commit()
            if tries >= CODE_TRIES:
                raise CodeUsedUp("too many wrong codes: follow the link in the email, or ask for a new one")
            raise WrongCode("not the code in the newest email", tries_left=CODE_TRIES - tries)
    return await _open_session(link, previous, now, uow, directory=directory, idle=idle)


def _wrong_codes_key(email: str) -> str:
    """Where the wrong codes typed for an address are counted, with the links asked for (and the same way)."""
    return "wrong-code:" + address_key(email)


async def _open_session(link: SignInLink, previous: str | None, now: datetime, uow: WebUnitOfWorkPort, *,
                        directory: Directory, idle: timedelta) -> tuple[str, Session, str]:
    person = await directory.find_person_by_email(link.email)
    if person is not None and person.get("suspended"):
        raise AccountSuspended("this account is suspended")
    session_id = new_secret()
    session = Session(digest(session_id), new_secret(), now + idle, signed_in_at=now)
    if person is None:
        session.email = link.email
    else:
        attach(session, person)
    async with uow:
        locked = await uow.links.get(link.digest, lock=True)
        if locked is None or not locked.usable(now):  # used meanwhile, by another tab or a second press
            raise LinkNotUsable("this sign-in link cannot be used: ask for a new one")
        await uow.links.mark_used(link.digest, now)
        if previous:
            await uow.sessions.remove(digest(previous))
        await uow.sessions.add(session)
        await uow.commit()
    return session_id, session, link.back_to


async def begin_provider_sign_in(browser: str, back_to: str, now: datetime, uow: WebUnitOfWorkPort, *,
                                 provider: IdentityProvider) -> str:
    """Where to send the browser to sign in at the organization's provider (authorization code with PKCE). The
    state, nonce and verifier stay here, bound to this browser (`browser`: its session or visit cookie)."""
    state, nonce, verifier = new_secret(), new_secret(), new_secret() + new_secret()[:21]  # verifier: 64 characters
    async with uow:
        await uow.oidc.add(OidcAttempt(digest(state), digest(browser), nonce, verifier, back_to,
                                       now + OIDC_ATTEMPT_LIFETIME))
        await uow.commit()
    return await provider.authorization_url(state, nonce, verifier)


async def finish_provider_sign_in(state: str, code: str, browser: str, previous: str | None, now: datetime,
                                  uow: WebUnitOfWorkPort, *, provider: IdentityProvider, directory: Directory,
                                  idle: timedelta) -> tuple[str, Session, str]:
    """The provider sent the browser back with a code: exchange it, accept only a verified email, and open a
    session for whoever holds that address (as the emailed link does). Returns the session's secret id, the
    session, and where the person was going."""
    async with uow:
        attempt = await uow.oidc.take(digest(state))
        await uow.commit()
    if attempt is None or attempt.expires_at <= now or attempt.browser_digest != digest(browser):
        raise ProviderSignInFailed("this sign-in attempt is unknown, expired, or another browser's")
    claims = await provider.claims(code, attempt.code_verifier, attempt.nonce)
    email = verified_email(claims)
    person = await directory.find_person_by_email(email)
    if person is not None and person.get("suspended"):
        raise AccountSuspended("this account is suspended")
    session_id = new_secret()
    session = Session(digest(session_id), new_secret(), now + idle, signed_in_at=now)
    if person is None:
        session.email = email
    else:
        attach(session, person)
    async with uow:
        if previous:
            await uow.sessions.remove(digest(previous))
        await uow.sessions.add(session)
        await uow.commit()
    return session_id, session, attempt.back_to


async def attach_registered(session: Session, directory: Directory) -> bool:
    """Attach a newcomer's session to the profile registered with its address since it was opened, as a sign-in with
    it would now: profiles may have made the newcomer's own registration and stopped before answering, and the form
    sent again is refused, the address being taken. False if none is (or it is suspended)."""
    if session.email is None:
        return False
    person = await directory.find_person_by_email(session.email)
    if person is None or person.get("suspended"):
        return False
    attach(session, person)
    return True


def attach(session: Session, person: dict[str, Any]) -> None:
    """What the session keeps of the person's profile: enough to mint their tokens and render their pages."""
    session.person_id = UUID(person["id"])
    session.email = None
    keep_profile(session, person)
    session.take_roles(person.get("roles"))  # absent (profiles before roles): no staff roles


def keep_profile(session: Session, person: dict[str, Any]) -> None:
    """The profile's part of the session (`attach`), taken again once the person changed it."""
    session.chapter_id = UUID(person["chapter_id"]) if person.get("chapter_id") else None
    session.stage = person["stage"]
    session.is_alumni = bool(person.get("is_alumni"))
    session.language = person.get("preferred_language") or session.language
    session.timezone = person.get("timezone") or session.timezone


async def profile_saved(session: Session, person: dict[str, Any], uow: WebUnitOfWorkPort) -> None:
    """The person changed their details here: this session and their others (a phone, a laptop) take them, so every
    page they open shows their new time zone and language, and every token their new chapter and stage."""
    keep_profile(session, person)
    assert session.person_id is not None
    async with uow:
        await uow.sessions.update_person(session.person_id, session.chapter_id, session.stage or person["stage"],
                                         session.is_alumni, session.language, session.timezone)
        await uow.commit()


async def save_session(session: Session, uow: WebUnitOfWorkPort) -> None:
    async with uow:
        await uow.sessions.save(session)
        await uow.commit()


async def find_session(session_id: str, now: datetime, uow: WebUnitOfWorkPort) -> Session | None:
    async with uow:
        session = await uow.sessions.get(digest(session_id))
    return session if session is not None and session.live(now) else None


async def renew_session(session: Session, now: datetime, idle: timedelta, uow: WebUnitOfWorkPort) -> bool:
    """Keep a session in use signed in for `idle` from now (`Session.renew`); whether it was renewed (its cookie is
    then set again, to last as long)."""
    if not session.renew(now, idle):
        return False
    await save_session(session, uow)
    return True


async def sign_out(session_id: str, uow: WebUnitOfWorkPort) -> None:
    async with uow:
        await uow.sessions.remove(digest(session_id))
        await uow.commit()


async def sign_out_everywhere(person_id: UUID, uow: WebUnitOfWorkPort) -> None:
    async with uow:
        await uow.sessions.remove_person(person_id)
        await uow.commit()


async def sign_out_elsewhere(person_id: UUID, session_id: str, uow: WebUnitOfWorkPort) -> None:
    """Sign the person out in every browser but this one (theirs to ask, and done when their address changes: a
    session opened before, on a device they lost or shared, ends)."""
    async with uow:
        await uow.sessions.remove_person(person_id, keep=digest(session_id))
        await uow.commit()


async def forget_expired(now: datetime, uow: WebUnitOfWorkPort) -> None:
    async with uow:
        await uow.links.forget_expired(now, now - max(RATE_WINDOW, CODE_WINDOW))
        await uow.sessions.forget_expired(now)
        await uow.oidc.forget_expired(now)
        await uow.commit()


# --- from profiles.people -------------------------------------------------------------------------------------

async def person_erased(event: profiles.PersonErased, uow: WebUnitOfWorkPort) -> None:
    """Erased in profiles (from the web or by an administrator): signed out everywhere, and the links mailed to their
    address (which they hold) forgotten."""
    async with uow:
        await uow.sessions.remove_person(event.person_id)
        await uow.links.forget_person(event.person_id)
        await uow.commit()


async def staff_roles_changed(event: profiles.StaffRolesChanged, uow: WebUnitOfWorkPort) -> None:
    """Roles granted or revoked: each of the person's sessions reads them from profiles at its next request."""
    async with uow:
        await uow.sessions.roles_changed(event.person_id)
        await uow.commit()


async def person_suspended(event: profiles.PersonSuspended, uow: WebUnitOfWorkPort) -> None:
    """Suspended by a coordinator or administrator: signed out everywhere (sign-in then says why it is refused)."""
    async with uow:
        await uow.sessions.remove_person(event.person_id)
        await uow.commit()


async def refresh_roles(session: Session, roles: dict[str, Any], uow: WebUnitOfWorkPort) -> None:
    """Keep the roles profiles gave after a change was announced."""
    session.take_roles(roles)
    async with uow:
        await uow.sessions.save(session)
        await uow.commit()


async def person_updated(event: profiles.PersonUpdated, uow: WebUnitOfWorkPort) -> None:
    """A new chapter, stage or alumni standing (changed by a coordinator, say) is what the person's next tokens and
    pages use."""
    async with uow:
        await uow.sessions.update_person(event.person_id, event.chapter_id, str(event.stage), event.is_alumni)
        await uow.commit()
