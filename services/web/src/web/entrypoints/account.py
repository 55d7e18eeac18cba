"""Signing in and out, the language switch, sign-up (a short wizard), and my data (see, download, erase)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response
from mentorship_contracts.profiles import EMAIL_CONFIRMATION_PAGE

from ..adapters.rendering import zone_name
from ..adapters.services import ServiceError
from ..domain.sign_in import (
    CODE_DIGITS,
    AccountSuspended,
    CodeUsedUp,
    EmailNotVerified,
    LinkNotUsable,
    NotOneAddress,
    ProviderSignInFailed,
    Session,
    SignInEmailNotSent,
    TooManyLinks,
    WrongCode,
    one_address,
)
from ..service_layer import sign_in
from . import labels
from .mentorship import MOST_MENTEES_AT_ONCE
from .web import (
    LANGUAGE_COOKIE,
    LANGUAGE_KEPT_SECONDS,
    PRE_SESSION_COOKIE,
    SESSION_COOKIE,
    Form,
    Newcomer,
    Person,
    Visit,
    Visiting,
    app_state,
    clients,
    local,
    redirect,
    render,
    set_cookies,
    unless_refused,
)

router = APIRouter(include_in_schema=False)

# Offered in the wizard; a person's browser preselects its own when it is one of them (static/app.js). The United
# States' first, its territories among them (Guam's Chamorro Standard Time, the Northern Mariana Islands', American
# Samoa's, Puerto Rico's and the U.S. Virgin Islands'), each named as CLDR names it in the reader's language.
TIME_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
    "America/Anchorage", "Pacific/Honolulu", "Pacific/Pago_Pago", "Pacific/Guam", "Pacific/Saipan",
    "America/Puerto_Rico", "America/St_Thomas", "America/Mexico_City", "America/Bogota", "America/Lima",
    "America/Santiago", "America/Argentina/Buenos_Aires", "America/Sao_Paulo", "Europe/London", "Europe/Madrid",
    "Africa/Lagos", "Asia/Kolkata", "Asia/Manila", "UTC",
)
SIGN_UP_STEPS = ("about", "interests", "identity", "enrol")
# Where each step opens during sign-up: a step's back link leads to the one before, showing the answers saved there.
SIGN_UP_PATHS = {"about": "/sign-up", "interests": "/sign-up/interests", "identity": "/sign-up/identity",
                 "enrol": "/sign-up/enrol?signing_up=1"}


# --- sign in and out ----------------------------------------------------------------------------------------

@router.get("/sign-in")
async def sign_in_page(visitor: Visiting, next: str | None = None) -> Response:
    if visitor.session is not None and visitor.session.person_id is not None:
        return redirect(visitor, local(next))
    return render(visitor, "sign_in.html", back_to=local(next))


def _compose(visitor: Visit):
    renderer = app_state(visitor.request).renderer

    def compose(language: str, url: str, known: bool, code: str) -> tuple[str, str, str]:
        def _(message: str) -> str:
            return renderer.gettext(language, message)
        # The link says the email's language: opened on a device whose browser speaks another, the page speaks it.
        context = {"url": f"{url}?lang={language}", "known": known, "lang": language, "code": f"{code[:3]} {code[3:]}",
                   "minutes": app_state(visitor.request).settings.sign_in_link_minutes}
        subject = _("Your sign-in link") if known else _("Finish signing up")
        text = renderer.render(language, "email/sign_in.txt", context)
        html = renderer.render(language, "email/sign_in.html", context)
        return subject, text, html

    return compose


async def _send_link(visitor: Visit, email: str, back_to: str) -> None:
    """Mail a sign-in link to `email` leading to `back_to`, within the rate limits (of the address, of the client)."""
    state = app_state(visitor.request)
    settings = state.settings
    client = visitor.request.client.host if visitor.request.client else "unknown"
    await sign_in.request_link(
        email, client, visitor.language, datetime.now(UTC), state.new_unit_of_work(),
        directory=clients(visitor.request), mailer=state.mailer, compose=_compose(visitor),
        link_url=lambda secret: f"{settings.public_base_url.rstrip('/')}/sign-in/{secret}",
        lifetime=timedelta(minutes=settings.sign_in_link_minutes),
        limit_per_address=settings.sign_in_limit_per_address, limit_per_client=settings.sign_in_limit_per_client,
        browser=_browser(visitor), back_to=back_to)


@router.post("/sign-in")
async def ask_for_link(visitor: Visiting, posted: Form) -> Response:
    email = str(posted.get("email") or "").strip()
    back_to = local(str(posted.get("next") or "/")[:2000])
    try:
        email = one_address(email)
    except NotOneAddress:
        said = (visitor._("This is not an email address: check it has one @ and a domain, like name@example.org.")
                if email else visitor._("Enter your email address, like name@example.org."))
        return render(visitor, "sign_in.html", 422, email=email, back_to=back_to, field_error=said)
    try:
        await _send_link(visitor, email, back_to)
    except TooManyLinks as error:
        return render(visitor, "sign_in.html", 429, email=email, back_to=back_to, error=visitor.error_words(error.code))
    except SignInEmailNotSent as error:
        return render(visitor, "sign_in.html", 503, email=email, back_to=back_to, error=visitor.error_words(error.code))
    return render(visitor, "link_sent.html", email=email)


# --- sign in through the organization's identity provider (OpenID Connect) ---------------------------------------

def _browser(visitor: Visit) -> str:
    """What binds a provider sign-in, or a sign-in code, to this browser: its session, else its visit cookie (made
    now if need be)."""
    if visitor.session_id:
        return visitor.session_id
    made = [value for name, value, _ in visitor.cookies if name == PRE_SESSION_COOKIE]
    return visitor.request.cookies.get(PRE_SESSION_COOKIE) or made[0]


@router.get("/oidc/start")
async def provider_sign_in(visitor: Visiting, next: str | None = None) -> Response:
    state = app_state(visitor.request)
    if state.oidc is None:
        return render(visitor, "not_found.html", 404)
    if visitor.session is not None and visitor.session.person_id is not None:
        return redirect(visitor, local(next))
    try:
        url = await sign_in.begin_provider_sign_in(_browser(visitor), local(next), datetime.now(UTC),
                                                   state.new_unit_of_work(), provider=state.oidc)
    except ProviderSignInFailed as error:
        return render(visitor, "sign_in.html", 502, error=visitor.error_words(error.code))
    return set_cookies(RedirectResponse(url, status_code=303), visitor)


@router.get("/oidc/callback")
async def provider_sent_back(visitor: Visiting, state: str = "", code: str = "", error: str | None = None) -> Response:
    app = app_state(visitor.request)
    if app.oidc is None:
        return render(visitor, "not_found.html", 404)
    if error or not state or not code or len(state) > 100 or len(code) > 2000:
        return render(visitor, "sign_in.html", 400, error=visitor.error_words(ProviderSignInFailed.code))
    try:
        session_id, session, back_to = await sign_in.finish_provider_sign_in(
            state, code, _browser(visitor), visitor.session_id, datetime.now(UTC), app.new_unit_of_work(),
            provider=app.oidc, directory=clients(visitor.request),
            idle=timedelta(hours=app.settings.session_idle_hours))
    except (ProviderSignInFailed, EmailNotVerified) as failed:
        return render(visitor, "sign_in.html", 400, error=visitor.error_words(failed.code))
    except AccountSuspended:
        return render(visitor, "sign_in.html", 403, error=_suspended(visitor))
    if session.language is None:
        session.language = visitor.language
        await sign_in.save_session(session, app.new_unit_of_work())
    visitor.cookies = [(SESSION_COOKIE, session_id, app.settings.session_idle_hours * 3600),
                       (PRE_SESSION_COOKIE, "", None)]
    return redirect(visitor, local(back_to) if session.person_id else "/sign-up")


@router.get("/sign-in/{token}")
async def confirm_link_page(token: str, visitor: Visiting) -> Response:
    """What a mail scanner fetches too: nothing is used up until the person presses the button (POST)."""
    link = await sign_in.usable_link(token, datetime.now(UTC), app_state(visitor.request).new_unit_of_work()) \
        if len(token) < 100 else None
    if link is None:
        if visitor.session is not None and visitor.session.person_id is not None:
            return redirect(visitor, "/")  # back to the link's page after signing in with it: they are in
        return render(visitor, "sign_in.html", 410, error=visitor.error_words(LinkNotUsable.code), link_unusable=True)
    # A link someone else asked for and sent on must not quietly swap whose account this browser is: say so.
    session = visitor.session
    switching = session is not None and (session.person_id != link.person_id if session.person_id or link.person_id
                                         else session.email != link.email)
    return render(visitor, "confirm_sign_in.html", token=token, email=link.email, switching=switching)


TYPED_CODE = re.compile(rf"\d{{{CODE_DIGITS}}}")


@router.post("/sign-in/code")
async def use_code(visitor: Visiting, posted: Form) -> Response:
    """The code from the sign-in email, typed in the browser that asked for it (the email read on another device)."""
    typed = str(posted.get("code") or "").strip()[:20]
    code = "".join(typed.replace("-", " ").split())
    if not TYPED_CODE.fullmatch(code):
        return render(visitor, "link_sent.html", 422, typed=typed,
                      code_error=visitor._("Enter the 6 digits from the email."))
    state = app_state(visitor.request)
    try:
        session_id, session, back_to = await sign_in.redeem_code(
            code, _browser(visitor), visitor.session_id, datetime.now(UTC), state.new_unit_of_work(),
            directory=clients(visitor.request), idle=timedelta(hours=state.settings.session_idle_hours))
    except WrongCode as wrong:
        more = visitor._("You can try once more.") if wrong.tries_left == 1 else \
            visitor._("You can try %(tries)s more times.") % {"tries": wrong.tries_left}
        return render(visitor, "link_sent.html", 422, typed=typed, code_error=" ".join(
            (visitor._("That is not the code in the newest email we sent you."), more)))
    except (CodeUsedUp, LinkNotUsable) as error:
        return render(visitor, "sign_in.html", 410, error=visitor.error_words(
            error.code if isinstance(error, CodeUsedUp) else "sign_in_code_not_usable"))
    except AccountSuspended:
        return render(visitor, "sign_in.html", 403, error=_suspended(visitor))
    return await _signed_in(visitor, session_id, session, back_to)


@router.post("/sign-in/{token}")
async def use_link(token: str, visitor: Visiting, posted: Form) -> Response:
    state = app_state(visitor.request)
    try:
        session_id, session, back_to = await sign_in.redeem_link(
            token[:100], visitor.session_id, datetime.now(UTC), state.new_unit_of_work(),
            directory=clients(visitor.request), idle=timedelta(hours=state.settings.session_idle_hours))
    except LinkNotUsable as error:
        return render(visitor, "sign_in.html", 410, error=visitor.error_words(error.code), link_unusable=True)
    except AccountSuspended:
        return render(visitor, "sign_in.html", 403, error=_suspended(visitor))
    return await _signed_in(visitor, session_id, session, back_to)


def _suspended(visitor: Visit) -> str:
    """Why a suspended person cannot sign in, and whom to write to: the national team's address where it is set, as
    someone in national programs alone has no chapter to write to."""
    address = app_state(visitor.request).settings.concerns_email
    if address:
        return visitor._("Your account is suspended, so you cannot sign in. If you think this is a mistake, write to "
                         "%(address)s.") % {"address": address}
    return visitor.error_words(AccountSuspended.code)


async def _signed_in(visitor: Visit, session_id: str, session: Session, back_to: str) -> Response:
    """The browser's new session, in the language it was browsing in; on to where the person was going, or to
    sign-up."""
    state = app_state(visitor.request)
    if session.language is None:
        session.language = visitor.language
        await sign_in.save_session(session, state.new_unit_of_work())
    visitor.cookies = [(SESSION_COOKIE, session_id, state.settings.session_idle_hours * 3600),
                       (PRE_SESSION_COOKIE, "", None)]
    return redirect(visitor, local(back_to) if session.person_id else "/sign-up")


@router.post("/sign-out")
async def sign_out(visitor: Visiting, posted: Form) -> Response:
    if visitor.session_id:
        await sign_in.sign_out(visitor.session_id, app_state(visitor.request).new_unit_of_work())
    visitor.cookies = [(SESSION_COOKIE, "", None), *_language_kept(visitor)]
    return redirect(visitor, "/?signed_out=1")




def _language_kept(visitor: Visit) -> list[tuple[str, str, int | None]]:
    """The language the session was in, as the language cookie: the pages after it ends stay in it."""
    return [(LANGUAGE_COOKIE, visitor.language, LANGUAGE_KEPT_SECONDS)]


async def _calendar_feed_follows(visitor: Visit, language: str) -> None:
    """The person's calendar feed, whose entries share their emails' UIDs, says its words in their emails' new
    language, if they made one (events answers 404 if not); if events is away, at the next change."""
    with contextlib.suppress(ServiceError):
        await clients(visitor.request).set_calendar_feed_language(visitor.who, language)


@router.post("/language")
async def choose_language(visitor: Visiting, posted: Form) -> Response:
    language = str(posted.get("language") or "")
    back = local(str(posted.get("back") or "/"))
    if language not in labels.LANGUAGES:
        return redirect(visitor, back)
    visitor.cookies.append((LANGUAGE_COOKIE, language, LANGUAGE_KEPT_SECONDS))
    session = visitor.session
    if session is not None:
        session.language = language
        if session.person_id is not None:
            # Their emails' language too, and their calendar feed's with it. The page's language changes all the
            # same; the emails' is tried again at the next switch.
            try:
                await clients(visitor.request).update_person(visitor.who, session.person_id,
                                                             {"preferred_language": language})
            except ServiceError:
                pass
            else:
                await _calendar_feed_follows(visitor, language)
        await sign_in.save_session(session, app_state(visitor.request).new_unit_of_work())
    return redirect(visitor, back)


# --- sign-up: about me, interests, identity (optional), enrolment ------------------------------------------

MOST_SPECIALTIES = 10  # as profiles keeps them
# Profiles' bounds on what a person writes: longer is refused next to the field, never saved cut.
NAME_LENGTH, PRONOUNS_LENGTH, BIO_LENGTH, GOALS_LENGTH, IDENTITY_ANSWER_LENGTH = 200, 50, 2000, 2000, 100



def _listed(posted, name: str, allowed) -> list[str]:
    return [value for value in posted.getlist(name) if value in allowed]


def _wizard(visitor: Visit, step: str, status: int = 200, **context: Any) -> Response:
    index = SIGN_UP_STEPS.index(step)
    if context.get("back_to"):  # changing an answer, not signing up: the language switch keeps it so
        context["here"] = f"/sign-up/{step}?{urlencode({'next': context['back_to']})}"
    elif index:
        context["back_link"] = SIGN_UP_PATHS[SIGN_UP_STEPS[index - 1]]
    return render(visitor, f"sign_up_{step}.html", status, step=step, steps=SIGN_UP_STEPS, number=index + 1,
                  time_zones=zones_with(context.get("values") or {}), **context)


@router.get("/sign-up")
async def sign_up_about(visitor: Newcomer) -> Response:
    api = clients(visitor.request)
    if visitor.session is None or visitor.session.person_id is None:
        chapters = await api.chapters(visitor.who)
        return _wizard(visitor, "about", chapters=chapters, values={"language": visitor.language})
    # Gone back to from the next step: the answers given, to change.
    me, chapters = await asyncio.gather(api.person(visitor.who, visitor.person_id), api.chapters(visitor.who))
    return _wizard(visitor, "about", chapters=chapters, values=_about_values(visitor, me), chosen=_about_chosen(visitor, me))


def _about_values(visitor: Visit, me: dict) -> dict[str, str]:
    """The person's answers to "about you", as its fields show them."""
    return {"display_name": me["display_name"], "pronouns": me.get("pronouns") or "",
            # Who sees pronouns is asked with them: one who gave none has chosen nobody yet.
            "pronouns_visibility": me.get("pronouns_visibility") or "partners" if me.get("pronouns") else "",
            "stage": me["stage"],
            "chapter_id": me.get("chapter_id") or "", "timezone": me.get("timezone") or "",
            "is_alumni": "yes" if me.get("is_alumni") else "",
            "language": me.get("preferred_language") or visitor.language}


def _about_chosen(visitor: Visit, me: dict) -> dict[str, list[str]]:
    """The languages and ways of meeting the person chose; one who never chose languages (invited, or registered
    through the API) is offered the language they read in, ticked, as sign-up offers it: one at least is asked."""
    languages = me.get("languages") or [me.get("preferred_language") or visitor.language]
    return {"languages": languages, "modalities": me.get("modalities") or []}


def _about_answers(visitor: Visit, posted, chapters: list[dict], time_zones: tuple[str, ...] = TIME_ZONES
                   ) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str]]:
    """The answers to "about you" (sign-up's first step, and the profile page): the values, the languages and ways of
    meeting chosen, and what is wrong with them, per field."""
    values = {key: str(posted.get(key) or "").strip() for key in ("display_name", "stage", "timezone", "chapter_id",
                                                                     "language", "pronouns", "pronouns_visibility")}
    values["is_alumni"] = "yes" if posted.get("is_alumni") == "yes" else ""
    chosen = {"languages": _listed(posted, "languages", labels.LANGUAGES),
              "modalities": _listed(posted, "modalities", labels.MODALITIES) or ["virtual"]}
    problems = {}
    if not values["display_name"]:
        problems["display_name"] = visitor._("Tell us the name you would like people to see.")
    for name, limit, what in (("display_name", NAME_LENGTH, labels.N_("Your name")),
                              ("pronouns", PRONOUNS_LENGTH, labels.N_("Your pronouns"))):
        if too_long := visitor.too_long(values[name], limit, what):
            problems[name] = too_long
    if values["pronouns"] and values["pronouns_visibility"] not in labels.PRONOUN_VISIBILITIES:
        problems["pronouns_visibility"] = visitor._("Choose who sees your pronouns.")
    if values["stage"] not in labels.STAGES:
        problems["stage"] = visitor._("Choose where you are in your training.")
    if values["timezone"] not in time_zones and not is_time_zone(values["timezone"]):
        problems["timezone"] = visitor._("Choose your time zone.")
        values["timezone"] = ""  # shown as none chosen, as its error says, not as a zone refused
    if not chosen["languages"]:
        problems["languages"] = visitor._("Choose at least one language you can meet in.")
    if values["chapter_id"] and values["chapter_id"] not in {c["id"] for c in chapters}:
        problems["chapter_id"] = visitor._("Choose your chapter from the list, or none.")
    return values, chosen, problems


def _about_body(visitor: Visit, values: dict[str, str], chosen: dict[str, list[str]]) -> dict:
    """Profiles' fields from valid answers; an empty pronouns field clears them, no chapter chosen is national."""
    body = {"display_name": values["display_name"], "stage": values["stage"], "timezone": values["timezone"],
            **chosen, "pronouns": values["pronouns"] or None,
            "chapter_id": values["chapter_id"] or None, "is_alumni": values["is_alumni"] == "yes",
            "preferred_language": values["language"] if values["language"] in labels.LANGUAGES else visitor.language}
    if values["pronouns_visibility"] in labels.PRONOUN_VISIBILITIES:
        body["pronouns_visibility"] = values["pronouns_visibility"]
    return body


def _name_refused(visitor: Visit, error: ServiceError) -> dict[str, str]:
    """Profiles' refusal of the name (one holding a link, an address or markup), next to it; else nothing."""
    if error.status == 422 and error.field == "display_name":
        return {"display_name": visitor._("A name cannot hold a link, an email address or < >: others read it in "
                                          "their emails and pages.")}
    return {}


def _about_refused(visitor: Visit, error: ServiceError) -> tuple[int, dict[str, Any]]:
    """Profiles' refusal of "about you" answers: the status and what the page says of it (next to the name, or at
    the top)."""
    if named := _name_refused(visitor, error):
        return 422, {"problems": named}
    return 422 if error.status < 500 else 503, {"error": visitor.error_words(error)}


async def _save_about(visitor: Visit, me: dict, values: dict[str, str], chosen: dict[str, list[str]]) -> None:
    """The person's "about you" changed (the profile page, or sign-up's first step gone back to), and taken by their
    sessions and their calendar feed."""
    # Languages the page does not offer (given through the API, or by an import) are kept, not dropped.
    chosen["languages"] += [code for code in me.get("languages") or [] if code not in labels.LANGUAGES]
    person = await clients(visitor.request).update_person(visitor.who, visitor.person_id,
                                                          _about_body(visitor, values, chosen))
    if person.get("preferred_language") != me.get("preferred_language"):
        await _calendar_feed_follows(visitor, person["preferred_language"])
    session = visitor.session
    assert session is not None
    await sign_in.profile_saved(session, person, app_state(visitor.request).new_unit_of_work())


async def _change_about(visitor: Visit, posted) -> Response:
    """Sign-up's first step saved again, by one gone back to it: their details changed, then on to the next step
    (also what a second click on its first "Save and continue" does)."""
    api = clients(visitor.request)
    me, chapters = await asyncio.gather(api.person(visitor.who, visitor.person_id), api.chapters(visitor.who))
    values, chosen, problems = _about_answers(visitor, posted, chapters, zones_with(me))
    if problems:
        return _wizard(visitor, "about", 422, chapters=chapters, values=values, problems=problems, chosen=chosen)
    try:
        await _save_about(visitor, me, values, chosen)
    except ServiceError as error:
        status, said = _about_refused(visitor, error)
        return _wizard(visitor, "about", status, chapters=chapters, values=values, chosen=chosen, **said)
    return redirect(visitor, "/sign-up/interests")


@router.post("/sign-up")
async def register(visitor: Newcomer, posted: Form) -> Response:
    session = visitor.session
    assert session is not None
    if session.person_id is not None:
        return await _change_about(visitor, posted)
    chapters = await clients(visitor.request).chapters(visitor.who)
    values, chosen, problems = _about_answers(visitor, posted, chapters)
    if problems:
        return _wizard(visitor, "about", 422, chapters=chapters, values=values, problems=problems, chosen=chosen)
    body = {**_about_body(visitor, values, chosen), "email": session.email}
    try:
        person = await clients(visitor.request).register(visitor.who, body)
    except ServiceError as error:
        # The address taken since this session proved it holds it: the newcomer's own registration, whose answer
        # was lost, most likely. The session goes on as that person's, as signing in again would make it.
        if named := _name_refused(visitor, error):
            return _wizard(visitor, "about", 422, chapters=chapters, values=values, problems=named, chosen=chosen)
        if not (error.code == "already_registered"
                and await sign_in.attach_registered(session, clients(visitor.request))):
            return _wizard(visitor, "about", 422 if error.status < 500 else 503, chapters=chapters, values=values,
                           error=visitor.error_words(error), chosen=chosen)
    else:
        sign_in.attach(session, person)
    await sign_in.save_session(session, app_state(visitor.request).new_unit_of_work())
    return redirect(visitor, "/sign-up/interests")


# --- your details, after sign-up ------------------------------------------------------------------------------

@cache
def _all_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Any zone of the IANA database (what a browser reports), offered or not."""
    return name in _all_time_zones()


@router.get("/time-zones/name")
async def time_zone_name(visitor: Visiting, zone: str = "") -> Response:
    """A zone of the IANA database in words, in the page's language, as a select names it ("Iran Time, Tehran"):
    what sign-up's script asks for the browser's own zone when the select does not offer it."""
    if not is_time_zone(zone):
        return set_cookies(Response(status_code=404), visitor)
    return set_cookies(PlainTextResponse(zone_name(zone, visitor.language, alone=True)), visitor)


def zones_with(holder: dict) -> tuple[str, ...]:
    """The time zones offered, and the person's (or event's) own if it is not one of them (set through an API): a
    select that lacked it would show, and save, another."""
    own = holder.get("timezone")
    return TIME_ZONES if not own or own in TIME_ZONES else (own, *TIME_ZONES)


def _profile_page(visitor: Visit, me: dict, chapters: list[dict], values: dict, chosen: dict, status: int = 200,
                  **context: Any) -> Response:
    return render(visitor, "profile.html", status, chapters=chapters, values=values, chosen=chosen,
                  time_zones=zones_with(values if values.get("timezone") else me), **context)


@router.get("/profile")
async def profile(visitor: Person) -> Response:
    api = clients(visitor.request)
    me, chapters = await asyncio.gather(api.person(visitor.who, visitor.person_id), api.chapters(visitor.who))
    return _profile_page(visitor, me, chapters, _about_values(visitor, me), _about_chosen(visitor, me))


@router.get("/profile/as-partner")
async def profile_as_partner(visitor: Person, done: str | None = None, back: str | None = None) -> Response:
    """What the person's mentor or mentees see of them, as profiles shows a partner: to check it before anyone is
    (`done`: an answer just changed from here; `back`: the page it was opened from, joining a program, to go back
    to)."""
    seen = await clients(visitor.request).partner(visitor.who, visitor.person_id)
    if seen is None:
        return render(visitor, "not_found.html", 404)
    return render(visitor, "profile_as_partner.html", seen=seen, done=done, back_link=_back_to(back))


@router.post("/profile")
async def save_profile(visitor: Person, posted: Form) -> Response:
    api = clients(visitor.request)
    me, chapters = await asyncio.gather(api.person(visitor.who, visitor.person_id), api.chapters(visitor.who))
    values, chosen, problems = _about_answers(visitor, posted, chapters, zones_with(me))
    if problems:
        return _profile_page(visitor, me, chapters, values, chosen, 422, problems=problems)
    try:
        await _save_about(visitor, me, values, chosen)
    except ServiceError as error:
        status, said = _about_refused(visitor, error)
        return _profile_page(visitor, me, chapters, values, chosen, status, **said)
    return redirect(visitor, "/?done=profile_saved")


def _back_to(path: object) -> str | None:
    """The page a signed-up person opened a wizard step from, to change an answer (a path on this site), or None
    during sign-up."""
    return local(str(path or ""), "") or None


def _after_saving(posted, done: str, next_step: str) -> str:
    """Where a wizard step leads once saved: on to the next step during sign-up; back where it was opened from, saying
    so, when a signed-up person changes an answer."""
    back_to = _back_to(posted.get("next"))
    return f"{back_to}?done={done}" if back_to else next_step


@router.get("/sign-up/interests")
async def sign_up_interests(visitor: Person, next: str | None = None, joined: str | None = None,
                            program: str | None = None) -> Response:
    """`joined`: come here having just joined `program` without interests told, as a "mentee" or a "mentor"
    ("review": a mentor reviewed first). What happens next is said as that program pairs: a mentee where mentees
    choose is to choose a mentor and ask them (nobody is proposed to her); where rounds pair, a round pairs them;
    elsewhere, matching pairs them as soon as someone fits. A program not named, or not read, is not guessed at."""
    api = clients(visitor.request)
    me, joined_program = await asyncio.gather(api.person(visitor.who, visitor.person_id),
                                              _program_named(visitor, program if joined else None))
    return _wizard(visitor, "interests", me=me, back_to=_back_to(next), joined=joined, joined_program=joined_program)


async def _program_named(visitor: Visit, program_id: str | None) -> dict | None:
    """The program a link names, if it names one that profiles answers for: secondary to the page it is on."""
    try:
        found = UUID(program_id or "")
    except ValueError:
        return None
    return await unless_refused(clients(visitor.request).program(visitor.who, found))


@router.post("/sign-up/interests")
async def save_interests(visitor: Person, posted: Form) -> Response:
    changes: dict[str, Any] = {"specialties": _listed(posted, "specialties", labels.SPECIALTIES),
                               "support_areas": _listed(posted, "support_areas", labels.SUPPORT)}
    bio = str(posted.get("bio") or "").strip()
    changes["bio"] = bio or None
    problems = {}
    if len(changes["specialties"]) > MOST_SPECIALTIES:  # refused, every choice kept: never the first ten saved
        problems["specialties"] = visitor._("Choose up to 10 specialties: you chose %(n)s. Untick some.") % {
            "n": len(changes["specialties"])}
    if too_long := visitor.too_long(bio, BIO_LENGTH, labels.N_("A few words about you")):
        problems["bio"] = too_long
    if problems:
        return _wizard(visitor, "interests", 422, me=changes, problems=problems, back_to=_back_to(posted.get("next")))
    try:
        await clients(visitor.request).update_person(visitor.who, visitor.person_id, changes)
    except ServiceError as error:
        me = await clients(visitor.request).person(visitor.who, visitor.person_id)
        return _wizard(visitor, "interests", 422, me=me, error=visitor.error_words(error),
                       back_to=_back_to(posted.get("next")))
    return redirect(visitor, _after_saving(posted, "interests_saved", "/sign-up/identity"))


def _identity_form(identity: dict) -> dict:
    requested = {r["attribute"]: r["strength"] for r in identity.get("requests", [])}
    return {name: {**identity["attributes"].get(name, {"value": "", "use_in_matching": False,
                                                       "show_to_partner": False}),
                   "wish": requested.get(name, "")}
            for name in labels.IDENTITY}


async def _identity_page(visitor: Visit, status: int = 200, **context: Any) -> Response:
    """The identity step. Wishing for a mentor who shares an attribute is a mentee's: it is not asked of one known to
    mentor only (their active enrollments, all as a mentor), but where they asked already. Signing up, the role is
    chosen after this step: it is asked of everyone, for whoever joins as a mentee."""
    try:
        enrollments = await clients(visitor.request).enrollments(visitor.who, visitor.person_id)
    except ServiceError:
        enrollments = []  # secondary: asked, as when signing up
    roles = {e["role"] for e in enrollments if e["active"]}
    return _wizard(visitor, "identity", status, mentor_only=roles == {"mentor"}, **context)


@router.get("/sign-up/identity")
async def sign_up_identity(visitor: Person, next: str | None = None) -> Response:
    identity = await clients(visitor.request).identity(visitor.who, visitor.person_id)
    return await _identity_page(visitor, attributes=_identity_form(identity), back_to=_back_to(next))


@router.post("/sign-up/identity")
async def save_identity(visitor: Person, posted: Form) -> Response:
    form, attributes, requests, problems = {}, {}, [], {}
    held = (await clients(visitor.request).identity(visitor.who, visitor.person_id))["attributes"]
    wish_dropped = answer_deleted = False
    for name in labels.IDENTITY:
        value = str(posted.get(f"{name}.value") or "").strip()
        wish = str(posted.get(f"{name}.wish") or "")
        wish = wish if wish in ("preference", "requirement") else ""
        answer = {"value": value, "use_in_matching": posted.get(f"{name}.matching") == "yes",
                  "show_to_partner": posted.get(f"{name}.partner") == "yes"}
        form[name] = {**answer, "wish": wish}
        if too_long := visitor.too_long(value, IDENTITY_ANSWER_LENGTH, labels.IDENTITY[name]):
            problems[f"{name}-value"] = too_long
        if value:
            attributes[name] = answer
        # Profiles' rule: a wish only for an attribute recorded and consented to use in matching. Taking back that
        # consent (or the answer) is never held up by the wish that needed it: the wish goes with it.
        if wish and held.get(name, {}).get("use_in_matching") and not (value and answer["use_in_matching"]):
            # Said as it is: an answer cleared is deleted with its wish; one kept is kept, used for nothing.
            answer_deleted, wish_dropped = answer_deleted or not value, wish_dropped or bool(value)
        elif wish and not value:  # the question named: the summary atop the page lists them all
            problems[f"{name}-wish"] = visitor._(
                "%(question)s: to ask for a mentor who shares this, answer it in your own words, or choose \u201cDoes "
                "not matter\u201d.") % {"question": visitor._(labels.IDENTITY[name])}
        elif wish and not answer["use_in_matching"]:
            problems[f"{name}-wish"] = visitor._(
                "%(question)s: to ask for a mentor who shares this, tick \u201cUse it for matching\u201d: matching "
                "cannot look for what it may not use.") % {"question": visitor._(labels.IDENTITY[name])}
        elif wish:
            requests.append({"attribute": name, "strength": wish})
    back_to = _back_to(posted.get("next"))
    if problems:
        return await _identity_page(visitor, 422, attributes=form, problems=problems, back_to=back_to)
    try:
        await clients(visitor.request).declare_identity(visitor.who, visitor.person_id,
                                                        {"attributes": attributes, "requests": requests})
    except ServiceError as error:
        return await _identity_page(visitor, 422 if error.status < 500 else 503, attributes=form,
                                    error=visitor.error_words(error), back_to=back_to)
    # Who may read an answer now is said when it changed: a partner's pages show it at once, unannounced.
    shown_before = {name for name, given in held.items() if given.get("show_to_partner") and given.get("value")}
    shown_now = {name for name, given in attributes.items() if given["show_to_partner"]}
    done = ("identity_wish_dropped" if wish_dropped else "identity_answer_deleted" if answer_deleted
            else "identity_now_hidden" if shown_before - shown_now else "identity_now_shown" if shown_now - shown_before
            else "identity_saved")
    return redirect(visitor, _after_saving(posted, done, "/sign-up/enrol?signing_up=1"))


async def _programs_open_to(visitor: Visit) -> list[dict]:
    programs = await clients(visitor.request).programs(visitor.who)
    stage = visitor.session.stage if visitor.session else None
    chapter = visitor.session.chapter_id if visitor.session else None
    return [p for p in programs if p["chapter_id"] in (None, str(chapter) if chapter else None)
            and (stage in p["mentee_stages"] or stage in p["mentor_stages"])]


async def _joined(visitor: Visit) -> set[str]:
    """The programs the person is in already (an active enrollment)."""
    enrollments = await clients(visitor.request).enrollments(visitor.who, visitor.person_id)
    return {e["program_id"] for e in enrollments if e["active"]}


def _roles_open(program: dict, stage: str | None) -> list[str]:
    """The roles a person at `stage` may take in the program (profiles' rule: its mentee and mentor stages)."""
    return [role for role in ("mentee", "mentor") if stage in program[f"{role}_stages"]]


async def _enrol_page(visitor: Visit, signing_up: bool, status: int = 200, **context: Any) -> Response:
    """Sign-up's last step, or (`signing_up` False: opened from the home page) the same form without the steps: each
    program open to the person's stage, with whom it is for, its chapter, how its pairs form and whether its mentors
    are reviewed; the role asked for only when their stage may take either (else it is said, with only its own
    question: how many mentees, or what a mentee hopes for)."""
    api = clients(visitor.request)
    programs, joined = await asyncio.gather(_programs_open_to(visitor), _joined(visitor))
    chapters = {c["id"]: c for c in await api.chapters(visitor.who)} \
        if any(p["chapter_id"] for p in programs) else {}
    stage = visitor.session.stage if visitor.session else None
    roles = {p["id"]: _roles_open(p, stage) for p in programs}
    open_roles = {role for p in programs if p["id"] not in joined for role in roles[p["id"]]}
    open_ids = [p["id"] for p in programs if p["id"] not in joined]
    chosen = context.pop("chosen", None) or {}
    if chosen.get("program_id") not in open_ids:
        chosen["program_id"] = open_ids[0] if len(open_ids) == 1 else ""
    only_role = next(iter(open_roles)) if len(open_roles) == 1 else None
    if chosen.get("role") not in roles.get(chosen["program_id"], open_roles):
        chosen["role"] = only_role or ""
    context.update(programs=programs, joined=joined, signing_up=signing_up, chapters=chapters, roles=roles,
                   chosen=chosen, only_role=only_role)
    if signing_up:
        return _wizard(visitor, "enrol", status, **context)
    return render(visitor, "sign_up_enrol.html", status, **context)


@router.get("/sign-up/enrol")
async def sign_up_enrol(visitor: Person, signing_up: str | None = None, program_id: str = "",
                        role: str = "") -> Response:
    """`program_id` and `role` choose them already: joining from the program's page, or from an invitation's link (a
    program not offered, or already joined, is not chosen)."""
    chosen = {k: v for k, v in (("program_id", program_id), ("role", role)) if v}
    return await _enrol_page(visitor, bool(signing_up), chosen=chosen)


@router.post("/sign-up/enrol")
async def enrol(visitor: Person, posted: Form) -> Response:
    program_id = str(posted.get("program_id") or "")
    signing_up = bool(posted.get("signing_up"))
    programs, joined = await asyncio.gather(_programs_open_to(visitor), _joined(visitor))
    program = next((p for p in programs if p["id"] == program_id), None)
    role = str(posted.get("role") or "")
    chosen = {"program_id": program_id if program and program_id not in joined else "",
              "role": role if role in ("mentee", "mentor") else "",
              "capacity": str(posted.get("capacity") or "")[:20], "goals": str(posted.get("goals") or "").strip()}
    problems: dict[str, str] = {}
    if program_id in joined:
        problems["program_id"] = visitor._("You are already in this program.")
    elif program is None:
        problems["program_id"] = visitor._("Choose a program.")
    if not chosen["role"]:
        problems["role"] = visitor._("Choose whether you join as a mentee or as a mentor.")
    elif program is not None and program_id not in joined:
        stage = visitor.session.stage if visitor.session else None
        allowed = _roles_open(program, stage)
        if role not in allowed:
            only = (visitor._("In %(program)s, people at your stage of training join as a mentee only.")
                    if allowed == ["mentee"]
                    else visitor._("In %(program)s, people at your stage of training join as a mentor only."))
            problems["role"] = only % {"program": program["name"]}
    capacity = chosen["capacity"].strip() or "1"
    if role == "mentor" and not (capacity.isdigit() and 1 <= int(capacity) <= MOST_MENTEES_AT_ONCE):
        problems["capacity"] = visitor._(labels.CAPACITY_ASKED) % {"most": MOST_MENTEES_AT_ONCE}
    if role == "mentee" and (too_long := visitor.too_long(chosen["goals"], GOALS_LENGTH, labels.N_("What you hope for"))):
        problems["goals"] = too_long
    if problems or program is None:
        return await _enrol_page(visitor, signing_up, 422, problems=problems, chosen=chosen)
    body: dict[str, Any] = {"person_id": str(visitor.person_id), "program_id": program_id, "role": role}
    if role == "mentor":
        body["capacity"] = int(capacity)
    else:
        if chosen["goals"]:
            body["goals"] = chosen["goals"]
    if len(program.get("pairing_kinds") or []) > 1:
        body["pairing_kind"] = program["pairing_kinds"][0]
    try:
        enrolled = await clients(visitor.request).enroll(visitor.who, body)
    except ServiceError as error:
        return await _enrol_page(visitor, signing_up, 422, error=visitor.error_words(error), chosen=chosen)
    # A mentor of a program that reviews its mentors waits for a coordinator first (profiles says: approval pending).
    reviewed = role == "mentor" and (enrolled or {}).get("approval") == "pending"
    joined = "review" if reviewed else "1"
    if not signing_up and not await _has_interests(visitor):
        # Joined from an invitation's link, never through sign-up's steps: matching has none of their interests. The
        # page says what happens next in this program, in their role's words.
        told = {"next": "/", "joined": "review" if reviewed else role, "program": program_id}
        return redirect(visitor, f"/sign-up/interests?{urlencode(told)}")
    return redirect(visitor, f"/?enrolled={joined}")


async def _has_interests(visitor: Visit) -> bool:
    me = await clients(visitor.request).person(visitor.who, visitor.person_id)
    return bool(me.get("specialties") or me.get("support_areas"))


# --- a recent sign-in, before changing the address or erasing the account ----------------------------------------
# A session may be a borrowed phone left unlocked, a shared computer, a stolen cookie: these two take the account over
# or end it, so they ask its holder to confirm it is them, by a sign-in link mailed to the account's address.

# The pages whose form asks for a recent sign-in, and where on each the question is (the link leads back there).
ASKS_FOR_RECENT_SIGN_IN = {"/my-data": "#email", "/my-data/erase": ""}


def _console_erasure(page: str) -> bool:
    """An administrator's erasure of someone (console/people.py) asks too; the console's page hears by `done` how
    the asking went."""
    head, _, tail = page.removeprefix("/console/people/").partition("/")
    try:
        return page.startswith("/console/people/") and tail == "erase" and str(UUID(head)) == head
    except ValueError:
        return False


def _recent(visitor: Visit) -> bool:
    assert visitor.session is not None  # a Person is signed in
    return visitor.session.recently_signed_in(datetime.now(UTC))


def _back_to_the_question(page: str) -> str:
    return page + ASKS_FOR_RECENT_SIGN_IN.get(page, "")


async def _asking_to_confirm(visitor: Visit, page: str, status: int = 200, **context: Any) -> Response:
    """`page` (one of ASKS_FOR_RECENT_SIGN_IN) with its form replaced by the request to confirm it is them."""
    context.update(recent=False, confirm_next=_back_to_the_question(page), here=page)
    if page == "/my-data/erase":
        return render(visitor, "erase.html", status, **context)
    return await _data_page(visitor, status, **context)


@router.post("/account/confirm-it-is-you")
async def confirm_it_is_you(visitor: Person, posted: Form) -> Response:
    """Mail a sign-in link to the account's own address (never one posted), leading back to the page that asked."""
    page = str(posted.get("next") or "").split("#", 1)[0]
    console = _console_erasure(page)
    page = page if page in ASKS_FOR_RECENT_SIGN_IN or console else "/my-data"
    me = await clients(visitor.request).person(visitor.who, visitor.person_id)
    try:
        await _send_link(visitor, str(me.get("email") or ""), _back_to_the_question(page))
    except (TooManyLinks, SignInEmailNotSent, NotOneAddress) as error:
        # An address profiles took is one: a refusal of it is said as unsent all the same.
        code = error.code if isinstance(error, TooManyLinks) else SignInEmailNotSent.code
        if console:
            return redirect(visitor, f"{page}?done={code}")
        return await _asking_to_confirm(visitor, page, 429 if isinstance(error, TooManyLinks) else 503,
                                        confirm_error=visitor.error_words(code))
    # No #fragment: the notice saying so takes focus (app.js), and a browser's jump to a fragment would take it back.
    return redirect(visitor, f"{page}?done=sign_in_link_sent")


# --- a new email address, confirmed from it (profiles sends the link: EMAIL_CONFIRMATION_PAGE) ----------------

@router.post("/account/email")
async def ask_to_change_email(visitor: Person, posted: Form) -> Response:
    if not _recent(visitor):  # a form left open, or crafted: nothing is asked of profiles
        return await _asking_to_confirm(visitor, "/my-data", 403, confirm_refused=True)
    email = str(posted.get("email") or "").strip()
    api = clients(visitor.request)

    async def refused(message: str) -> Response:
        return await _data_page(visitor, 422, email_error=message, new_email=email, here="/my-data", recent=True)

    me = await api.person(visitor.who, visitor.person_id)
    if email.casefold() == str(me.get("email") or "").casefold():
        return await refused(visitor._("This is already your email address: enter the new one."))
    try:
        await api.call("profiles", "POST", f"/v1/people/{visitor.person_id}/email-change", visitor.who,
                       json={"email": email})
    except ServiceError as error:
        return await refused(visitor._("Enter an email address, like name@example.org.") if error.status == 422
                             else visitor.error_words(error))
    # The address stays out of the URL (and so out of the access logs); a reload does not ask again.
    return redirect(visitor, "/my-data?done=email_link_sent")


@router.get(EMAIL_CONFIRMATION_PAGE)
async def confirm_email_page(visitor: Visiting, token: str = "") -> Response:
    """What the link in the email opens (and a mail scanner fetches): nothing changes until the button (POST). Opened
    signed out, signing in leads back here (the sign-in's `next`, its query left readable: a `token` in a URL is
    redacted from access logs)."""
    here = f"{EMAIL_CONFIRMATION_PAGE}?{urlencode({'token': token[:100]})}"
    return render(visitor, "confirm_email.html", token=token[:100],
                  sign_in_here=f"/sign-in?{urlencode({'next': here}, safe='/?=')}")


@router.post(EMAIL_CONFIRMATION_PAGE)
async def confirm_email(visitor: Person, posted: Form) -> Response:
    token = str(posted.get("token") or "")[:100]
    try:
        person = await clients(visitor.request).confirm_email_change(visitor.who, token)
    except ServiceError:
        return render(visitor, "confirm_email.html", 422, here=f"{EMAIL_CONFIRMATION_PAGE}?{urlencode({'token': token})}",
                      error=visitor._(
            "This link cannot confirm the change: it was used or is older than a day, or it was sent for another "
            "account. Ask for the change again from your data page."))
    assert visitor.person_id is not None and visitor.session_id is not None  # a Person is signed in
    await sign_in.sign_out_elsewhere(visitor.person_id, visitor.session_id, app_state(visitor.request).new_unit_of_work())
    return render(visitor, "confirm_email.html", confirmed=person["email"], here="/my-data")


# --- my data ------------------------------------------------------------------------------------------------

MESSAGES_KEPT = 200  # the newest messages the export holds: what notifications answers at most at once


async def _everything(visitor: Visit) -> dict[str, Any]:
    api = clients(visitor.request)
    who, me = visitor.who, visitor.person_id
    (person, identity, enrollments, pairings, meetings, registrations, bookings, offered, messages,
     emails) = await asyncio.gather(
        api.person(who, me), api.identity(who, me), api.enrollments(who, me), api.pairings(who, me),
        api.meetings_of(who, me), api.my_registrations(who), api.my_bookings(who, ended_too=True),
        api.my_slots(who, me, ended_too=True),
        _unless_unknown(api.inbox(who, me, MESSAGES_KEPT)), _unless_unknown(api.preferences(who, me)))
    return {"profile": person, "identity": identity, "enrollments": enrollments, "mentorships": pairings,
            "meetings": meetings, "event_registrations": registrations, "office_hour_bookings": bookings,
            "office_hours_offered": offered, "messages": messages["items"] if messages else [],
            "email_preferences": emails}


async def _data_page(visitor: Visit, status: int = 200, **context: Any) -> Response:
    """"Your data": everything `_everything` holds, said in words, its chapter and programs by their names."""
    api, data = clients(visitor.request), await _everything(visitor)
    chapter_id = data["profile"].get("chapter_id")
    program_ids = {e["program_id"] for e in data["enrollments"]} | {m["program_id"] for m in data["mentorships"]}
    chapters, programs = await asyncio.gather(
        api.chapters(visitor.who) if chapter_id else _nothing(), api.programs(visitor.who, program_ids)
        if program_ids else _nothing())
    return render(visitor, "my_data.html", status, data=data, chapter=next(
        (c for c in chapters if c["id"] == chapter_id), None), programs={p["id"]: p for p in programs}, **context)


async def _nothing() -> list:
    return []


async def _unless_unknown(asked: Awaitable[Any]) -> Any:
    """What notifications answers, or None while it has not heard of the person yet (just registered)."""
    try:
        return await asked
    except ServiceError as error:
        if error.status != 404:
            raise
        return None


@router.post("/sign-out/elsewhere")
async def sign_out_elsewhere(visitor: Person, posted: Form) -> Response:
    assert visitor.person_id is not None and visitor.session_id is not None  # a Person is signed in
    await sign_in.sign_out_elsewhere(visitor.person_id, visitor.session_id, app_state(visitor.request).new_unit_of_work())
    return redirect(visitor, "/my-data?done=signed_out_elsewhere")


@router.get("/my-data")
async def my_data(visitor: Person, done: str | None = None) -> Response:
    return await _data_page(visitor, done=done, recent=_recent(visitor),
                            confirm_next=_back_to_the_question("/my-data"))


async def _named(visitor: Visit, data: dict[str, Any]) -> dict[str, Any]:
    """The download's data with, next to each id, the name the person was shown (their chapter and programs, the
    partner a mentorship's page names while it is on: their display name alone) and next to each code its words in
    the person's language, the ids and codes kept as they are. Names are secondary: one that cannot be read is left
    out, not the download."""
    api, who, _ = clients(visitor.request), visitor.who, visitor._
    me = data["profile"]
    program_ids = {e["program_id"] for e in data["enrollments"]} | {m["program_id"] for m in data["mentorships"]}
    live = any(m.get("status") in LIVE_PAIRINGS for m in data["mentorships"])
    chapters, programs, partners = await asyncio.gather(
        unless_refused(api.chapters(who)) if me.get("chapter_id") else _nothing(),
        unless_refused(api.programs(who, program_ids)) if program_ids else _nothing(),
        unless_refused(api.partners(who, visitor.person_id)) if live else _nothing())
    chapter_names = {c["id"]: c["name"] for c in chapters or []}
    program_names = {p["id"]: p["name"] for p in programs or []}
    # Only the display name a partner's page showed: never their answers about who they are, nor their address.
    partner_names = {p["id"]: p["display_name"] for p in partners or []}

    def name(m: dict, side: str) -> str | None:
        """Whoever is on `side`: the person themself, or their partner while the mentorship is on (one over names
        nobody, as its page does)."""
        if m.get(side) == me.get("id"):
            return me.get("display_name")
        return partner_names.get(m.get(side)) if m.get("status") in LIVE_PAIRINGS else None

    def words(table: dict[str, str], code: Any) -> Any:
        return _(table[code]) if isinstance(code, str) and code in table else code

    def each(table: dict[str, str], codes: Any) -> list:
        return [words(table, code) for code in codes or []]

    profile = {**me, "chapter_name": chapter_names.get(me.get("chapter_id")),
               "stage_words": words(labels.STAGES, me.get("stage")),
               "specialties_words": each(labels.SPECIALTIES, me.get("specialties")),
               "support_areas_words": each(labels.SUPPORT, me.get("support_areas")),
               "languages_words": each(labels.LANGUAGES, me.get("languages")),
               "modalities_words": each(labels.MODALITIES, me.get("modalities")),
               "preferred_language_words": words(labels.LANGUAGES, me.get("preferred_language")),
               "pronouns_visibility_words": words(labels.PRONOUN_VISIBILITIES, me.get("pronouns_visibility"))}
    enrollments = [{**e, "program_name": program_names.get(e["program_id"]),
                    "role_words": words(labels.ENROLLED_AS, e.get("role")),
                    "mentee_stages_welcome_words": each(labels.STAGES, e.get("mentee_stages_welcome")),
                    "preferred_mentor_stages_words": each(labels.STAGES, e.get("preferred_mentor_stages"))}
                   for e in data["enrollments"]]
    mentorships = [{**m, "program_name": program_names.get(m["program_id"]),
                    "mentee_name": name(m, "mentee_id"), "mentor_name": name(m, "mentor_id"),
                    "status_words": words(labels.PAIRING_STATUS, m.get("status")),
                    # As its page words them, to the side the person is on.
                    "reason_words": each(labels.MENTOR_REASONS if m.get("mentor_id") == me.get("id")
                                         else labels.REASONS, m.get("reason_codes"))}
                   for m in data["mentorships"]]
    identity = data["identity"] or {}
    identity = {**identity,
                "attributes": {name: {**a, "question": words(labels.IDENTITY, name)}
                               for name, a in (identity.get("attributes") or {}).items()},
                "requests": [{**r, "attribute_words": words(labels.IDENTITY, r.get("attribute"))}
                             for r in identity.get("requests") or []]}
    registrations = [{**r, "status_words": words(labels.REGISTRATION_STATUS, r.get("status"))}
                     for r in data["event_registrations"]]
    return {**data, "profile": profile, "identity": identity, "enrollments": enrollments,
            "mentorships": mentorships, "event_registrations": registrations}


# Pairings whose partner profiles still shows (their partner view), by name.
LIVE_PAIRINGS = ("proposed", "requested", "active")


@router.get("/my-data/download")
async def download_my_data(visitor: Person) -> Response:
    data = {"exported_at": datetime.now(UTC).isoformat(), **await _named(visitor, await _everything(visitor))}
    return Response(json.dumps(data, indent=2, ensure_ascii=False), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-mentorship-data.json"'})


@router.get("/my-data/erase")
async def erase_page(visitor: Person, done: str | None = None) -> Response:
    return render(visitor, "erase.html", done=done, recent=_recent(visitor),
                  confirm_next=_back_to_the_question("/my-data/erase"))


@router.post("/my-data/erase")
async def erase(visitor: Person, posted: Form, request: Request) -> Response:
    if not _recent(visitor):  # a form left open, or crafted: nothing is erased
        return await _asking_to_confirm(visitor, "/my-data/erase", 403, confirm_refused=True)
    if posted.get("confirm") != "erase":
        return render(visitor, "erase.html", 422, recent=True,
                      problems={"confirm": visitor._("Tick the box to confirm that you want everything erased.")})
    person_id = visitor.person_id
    try:
        await clients(request).erase(visitor.who, person_id)
    except ServiceError as error:
        return render(visitor, "erase.html", 503 if error.status >= 500 else 422, recent=True,
                      error=visitor.error_words(error))
    await sign_in.sign_out_everywhere(person_id, app_state(request).new_unit_of_work())
    visitor.cookies = [(SESSION_COOKIE, "", None), *_language_kept(visitor)]
    return redirect(visitor, "/?erased=1")
