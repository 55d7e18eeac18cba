"""The four services' HTTP APIs, as the web app calls them: one shared connection pool, a token per person and
service (kept for most of its short life).

Answers are the services' JSON, handed to the pages as they are; errors become `ServiceError` with the service's
stable code, which the pages turn into words. Nothing here decides anything.

The calls go through aiohttp's client (`PooledHttp`): httpx's took about 2 ms of CPU a call here (its pool looks at
every kept connection's socket for each request, and httpcore imports sniffio, absent, for each lock it sets up),
aiohttp's about 0.15 ms, and a page makes three calls. `HttpxHttp` puts an httpx client behind the same face (the
tests' transports that play the services).
"""

from __future__ import annotations

import asyncio
import contextvars
import json as jsonlib
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

import aiohttp
import httpx
from plumbing import correlation

from .service_tokens import ServiceTokens

Json = Any
log = logging.getLogger(__name__)
PROGRAMS_KEPT_SECONDS = 5.0  # a program a coordinator just made shows within seconds


class ServiceError(Exception):
    """A service refused or failed: its HTTP status, its error code, and the field at fault if any; `fields`: every
    field it found at fault at once (a malformed request's), the first being `field`."""

    def __init__(self, status: int, code: str, message: str = "", field: str | None = None,
                 fields: tuple[str, ...] = ()) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.field = status, code, message, field
        self.fields = fields or ((field,) if field else ())


class Unavailable(ServiceError):
    """The service could not be reached."""


@dataclass(frozen=True)
class Who:
    """Whom a call is made for: a signed-in person (their id and chapters as profiles says), a newcomer who
    confirmed an address and has no profile yet, or the web app itself."""

    person_id: UUID | None = None
    chapter_ids: tuple[UUID, ...] = ()
    web: bool = False


WEB = Who(web=True)
NEWCOMER = Who()


@dataclass(frozen=True)
class Answer:
    """A service's answer, read whole: its status, content type and body."""

    status_code: int
    content_type: str
    content: bytes

    def json(self) -> Json:
        return jsonlib.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class Http(Protocol):
    """Where calls to the services go: one request, its answer read whole; `ConnectionError` (or `TimeoutError`)
    when the service cannot be reached."""

    async def request(self, method: str, url: str, *, json: Json = None, params: Mapping[str, Any] | None = None,
                      headers: Mapping[str, str]) -> Answer: ...

    async def aclose(self) -> None: ...


# A kept connection is let go after this many idle seconds: before the services' servers close it (uvicorn closes
# one idle for 5 s), so that a call is seldom sent down a connection the service is closing. When one is, aiohttp
# asks again once, on a new connection, if the method is idempotent (GET, PUT, DELETE); a POST is not sent twice.
KEEP_IDLE_SECONDS = 2.0


class PooledHttp:
    """aiohttp's client, one pool of keep-alive connections for every service, made at the first call (a client
    belongs to the event loop it was made in). Keeps no cookies: every call carries its own token."""

    def __init__(self, timeout: float, connections: int, keep_idle_seconds: float = KEEP_IDLE_SECONDS) -> None:
        self._timeout, self._connections, self._keep_idle = timeout, connections, keep_idle_seconds
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections, limit_per_host=0,
                                               keepalive_timeout=self._keep_idle),
                timeout=aiohttp.ClientTimeout(total=self._timeout), cookie_jar=aiohttp.DummyCookieJar(),
                raise_for_status=False)
        return self._session

    async def request(self, method: str, url: str, *, json: Json = None, params: Mapping[str, Any] | None = None,
                      headers: Mapping[str, str]) -> Answer:
        try:
            async with self._client().request(method, url, json=json, params=_query(params),
                                              headers=headers) as response:
                return Answer(response.status, response.headers.get("content-type", ""), await response.read())
        except aiohttp.ClientError as error:
            raise ConnectionError(str(error)) from error

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def _query(params: Mapping[str, Any] | None) -> list[tuple[str, str]] | None:
    """Query parameters as text, as httpx wrote them: booleans `true` and `false` (aiohttp takes none), a list as
    the name repeated; None left out."""
    if not params:
        return None

    def text(value: Any) -> str:
        return "true" if value is True else "false" if value is False else str(value)

    return [(name, text(item)) for name, value in params.items() if value is not None
            for item in (value if isinstance(value, list | tuple) else [value])]


class HttpxHttp:
    """An httpx client behind `Http` (the tests give theirs a transport that plays the services)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def request(self, method: str, url: str, *, json: Json = None, params: Mapping[str, Any] | None = None,
                      headers: Mapping[str, str]) -> Answer:
        try:
            response = await self._client.request(method, url, json=json, params=params, headers=headers)
        except httpx.HTTPError as error:
            raise ConnectionError(str(error)) from error
        return Answer(response.status_code, response.headers.get("content-type", ""), response.content)

    async def aclose(self) -> None:
        await self._client.aclose()


async def send(http: Http, service: str, method: str, url: str, token: str, *, json: Json = None,
               params: Mapping[str, Any] | None = None) -> Json:
    """One call to a service with a token: its JSON (or text, or None for no content), or `ServiceError` with the
    service's error code (`Unavailable` when it cannot be reached). The call carries the correlation id of the action
    being served (`X-Correlation-Id`), which the service serves it under and stamps on the events it emits."""
    headers = {"Authorization": f"Bearer {token}"}
    if (correlation_id := correlation.current()) is not None:
        headers["X-Correlation-Id"] = correlation_id
    try:
        response = await http.request(method, url, json=json, params=params, headers=headers)
    except (ConnectionError, TimeoutError) as error:
        raise Unavailable(503, "service_unavailable", f"{service} is not reachable") from error
    if response.status_code >= 400:
        try:
            said = response.json()["error"]
            code, message, field = str(said["code"]), str(said.get("message", "")), said.get("field")
            fields = tuple(str(e["field"]) for e in said.get("errors") or () if isinstance(e, dict) and e.get("field"))
        except (ValueError, KeyError, TypeError, AttributeError):
            code, message, field, fields = "service_error", response.text[:200], None, ()
        raise ServiceError(response.status_code, code, message, field, fields)
    if response.status_code == 204 or not response.content:
        return None
    if response.content_type.startswith("application/json"):
        return response.json()
    return response.text


class ServiceClients:
    def __init__(self, urls: Mapping[str, str], tokens: ServiceTokens, timeout: float) -> None:
        self._urls = dict(urls)
        self._tokens = tokens
        self._http: Http = PooledHttp(timeout, connections=200)
        self.calls = 0  # how many calls were made (the benchmark's calls per page)
        # Programs change seldom and every dashboard names them: kept a few seconds.
        self._programs: tuple[float, Json] | None = None
        self._reading_programs: asyncio.Task | None = None

    async def aclose(self) -> None:
        if self._reading_programs is not None:
            self._reading_programs.cancel()
        await self._http.aclose()

    def _token(self, service: str, who: Who) -> str:
        if who.web:
            return self._tokens.for_web(service)
        if who.person_id is None:
            return self._tokens.for_newcomer(service)
        return self._tokens.for_person(service, who.person_id, list(who.chapter_ids))

    async def call(self, service: str, method: str, path: str, who: Who, *, json: Json = None,
                   params: Mapping[str, Any] | None = None) -> Json:
        self.calls += 1
        return await send(self._http, service, method, self._urls[service] + path, self._token(service, who),
                          json=json, params=params)

    # --- profiles --------------------------------------------------------------------------------------------
    async def find_person_by_email(self, email: str) -> Json | None:
        try:
            return await self.call("profiles", "POST", "/v1/people/lookup", WEB, json={"email": email})
        except ServiceError as error:
            if error.status == 404:
                return None
            raise

    async def roles(self, person_id: UUID) -> Json:
        """The person's staff roles (`{"administrator", "coordinator_of"}`), asked for the person (their token)."""
        return await self.call("profiles", "GET", f"/v1/people/{person_id}/roles", Who(person_id))

    async def person(self, who: Who, person_id: UUID) -> Json:
        return await self.call("profiles", "GET", f"/v1/people/{person_id}", who)

    async def register(self, who: Who, body: Json) -> Json:
        return await self.call("profiles", "POST", "/v1/people", who, json=body)

    async def update_person(self, who: Who, person_id: UUID, changes: Json) -> Json:
        return await self.call("profiles", "PATCH", f"/v1/people/{person_id}", who, json=changes)

    async def identity(self, who: Who, person_id: UUID) -> Json:
        return await self.call("profiles", "GET", f"/v1/people/{person_id}/identity", who)

    async def declare_identity(self, who: Who, person_id: UUID, body: Json) -> Json:
        return await self.call("profiles", "PUT", f"/v1/people/{person_id}/identity", who, json=body)

    async def enrollments(self, who: Who, person_id: UUID) -> Json:
        return await self.call("profiles", "GET", f"/v1/people/{person_id}/enrollments", who)

    async def enroll(self, who: Who, body: Json) -> Json:
        return await self.call("profiles", "POST", "/v1/enrollments", who, json=body)

    async def programs(self, who: Who, naming: Iterable[str] | None = None) -> Json:
        """Every program, kept a few seconds. A page listing programs (`naming` None) gets them read within the last
        few seconds. A page naming some (`naming`: their ids) gets those kept if they name them all, read again
        beside the page once older than a few seconds (not on its time: a dashboard stays at three calls); if one
        is missing (a program made a moment ago), they are read again at once."""
        now = time.monotonic()
        kept = self._programs
        if kept is not None and naming is not None and set(naming) <= {p["id"] for p in kept[1]}:
            if now - kept[0] > PROGRAMS_KEPT_SECONDS and self._reading_programs is None:
                # A context of its own: the read is no page's call (the benchmark counts calls by context).
                self._reading_programs = asyncio.create_task(self._read_programs_beside(who),
                                                             context=contextvars.Context())
            return kept[1]
        if kept is None or naming is not None or now - kept[0] > PROGRAMS_KEPT_SECONDS:
            kept = await self._read_programs(who)
        return kept[1]

    async def _read_programs_beside(self, who: Who) -> None:
        try:
            await self._read_programs(who)
        except ServiceError as error:  # unreachable or refused: the kept programs serve on; the next page tries again
            log.warning("the programs could not be read again", extra={"error_type": type(error).__name__})

    async def _read_programs(self, who: Who) -> tuple[float, Json]:
        try:
            self._programs = (time.monotonic(), await self.call("profiles", "GET", "/v1/programs", who))
            return self._programs
        finally:
            self._reading_programs = None

    async def chapters(self, who: Who) -> Json:
        return await self.call("profiles", "GET", "/v1/chapters", who)

    async def partner(self, who: Who, person_id: UUID) -> Json | None:
        try:
            return await self.call("profiles", "GET", f"/v1/people/{person_id}/as-partner", who)
        except ServiceError as error:
            if error.status == 404:
                return None
            raise

    async def mentee_hopes(self, who: Who, pairing_id: UUID) -> str | None:
        """What the mentee of the pairing hopes for, to its mentor (profiles answers anyone else 404: None)."""
        try:
            return (await self.call("profiles", "GET", f"/v1/pairings/{pairing_id}/mentee-hopes", who))["goals"]
        except ServiceError as error:
            if error.status == 404:
                return None
            raise

    async def partners(self, who: Who, person_id: UUID) -> Json:
        """Every partner of the person as their partner sees them (`[PartnerOut]`), in one call."""
        return await self.call("profiles", "GET", f"/v1/people/{person_id}/partners", who)

    async def program(self, who: Who, program_id: UUID) -> Json:
        return await self.call("profiles", "GET", f"/v1/programs/{program_id}", who)

    async def change_enrollment(self, who: Who, enrollment_id: UUID, changes: Json) -> Json:
        return await self.call("profiles", "PATCH", f"/v1/enrollments/{enrollment_id}", who, json=changes)

    async def withdraw_enrollment(self, who: Who, enrollment_id: UUID) -> Json:
        return await self.call("profiles", "POST", f"/v1/enrollments/{enrollment_id}/withdraw", who)

    async def confirm_email_change(self, who: Who, token: str) -> Json:
        return await self.call("profiles", "POST", "/v1/email-changes/confirm", who, json={"token": token})

    async def erase(self, who: Who, person_id: UUID) -> None:
        await self.call("profiles", "DELETE", f"/v1/people/{person_id}", who)

    # --- matching --------------------------------------------------------------------------------------------
    async def pairings(self, who: Who, person_id: UUID) -> Json:
        return await self.call("matching", "GET", f"/v1/people/{person_id}/pairings", who)

    async def overview(self, who: Who, person_id: UUID) -> Json:
        """The person's pairings (each with whether its mentee and its mentor accepted) and their place on each
        waitlist (`{"pairings", "waiting"}`), in one call."""
        return await self.call("matching", "GET", f"/v1/people/{person_id}/overview", who)

    async def pairing(self, who: Who, pairing_id: UUID) -> Json:
        return await self.call("matching", "GET", f"/v1/pairings/{pairing_id}", who)

    async def meetings(self, who: Who, pairing_id: UUID) -> Json:
        """The meetings logged in the pairing (`[MeetingOut]`), the day met latest first: for its pair only."""
        return await self.call("matching", "GET", f"/v1/pairings/{pairing_id}/meetings", who)

    async def correct_meeting(self, who: Who, pairing_id: UUID, meeting_id: int, body: Json) -> Json:
        """A meeting corrected (`MeetingIn`) by the one of the pair who logged it."""
        return await self.call("matching", "PATCH", f"/v1/pairings/{pairing_id}/meetings/{meeting_id}", who, json=body)

    async def delete_meeting(self, who: Who, pairing_id: UUID, meeting_id: int) -> None:
        """A meeting deleted by the one of the pair who logged it."""
        await self.call("matching", "DELETE", f"/v1/pairings/{pairing_id}/meetings/{meeting_id}", who)

    async def meetings_of(self, who: Who, person_id: UUID) -> Json:
        """The meetings logged in every pairing of the person, for their copy of their data."""
        return await self.call("matching", "GET", f"/v1/people/{person_id}/meetings", who)

    async def act_on_pairing(self, who: Who, pairing_id: UUID, action: str, body: Json = None) -> Json:
        return await self.call("matching", "POST", f"/v1/pairings/{pairing_id}/{action}", who, json=body)

    async def waitlist_place(self, who: Who, program_id: UUID, person_id: UUID, kind: str) -> Json | None:
        try:
            return await self.call("matching", "GET", f"/v1/programs/{program_id}/waitlist/{person_id}", who,
                                   params={"pairing_kind": kind})
        except ServiceError as error:
            if error.status in (404, 409):
                return None
            raise

    # --- events ----------------------------------------------------------------------------------------------
    async def events_for(self, who: Who, stage: str | None, chapter_id: UUID | None) -> Json:
        """Published events the person may attend and that are not over: national ones, and their chapter's (one
        call, soonest first)."""
        audience = {"audience": stage} if stage else {}
        where = {"chapter_id": str(chapter_id), "with_national": "true"} if chapter_id else {"national": "true"}
        not_over = {"ends_after": datetime.now(UTC).isoformat()}
        return await self.call("events", "GET", "/v1/events", who, params={**where, **audience, **not_over})

    async def event(self, who: Who, event_id: UUID) -> Json:
        return await self.call("events", "GET", f"/v1/events/{event_id}", who)

    async def sessions_of(self, who: Who, conference_id: UUID) -> Json:
        """A conference's published sessions, soonest first."""
        return await self.call("events", "GET", "/v1/events", who,
                               params={"parent_event_id": str(conference_id), "limit": "100"})

    async def my_registrations(self, who: Who) -> Json:
        return await self.call("events", "GET", "/v1/registrations/mine", who)

    async def issue_calendar_feed(self, who: Who, language: str) -> str:
        """A new secret of the person's calendar feed (the old one stops), its own words in `language`."""
        return (await self.call("events", "POST", "/v1/calendar/feed", who, json={"language": language}))["token"]

    async def set_calendar_feed_language(self, who: Who, language: str) -> None:
        """The person's calendar feed, if they made one, says its words in `language` from now on, at the same link."""
        await self.call("events", "PATCH", "/v1/calendar/feed", who, json={"language": language})

    async def calendar_feed(self, token: str) -> str:
        """The feed's iCalendar text; its token is its credential (`ServiceError` 404 for one revoked or unknown)."""
        return await self.call("events", "GET", f"/v1/calendar/feeds/{token}.ics", WEB)

    async def register_for(self, who: Who, event_id: UUID, person_id: UUID) -> Json:
        return await self.call("events", "POST", f"/v1/events/{event_id}/registrations", who,
                               json={"person_id": str(person_id)})

    async def cancel_registration(self, who: Who, event_id: UUID, person_id: UUID) -> Json:
        return await self.call("events", "DELETE", f"/v1/events/{event_id}/registrations/{person_id}", who)

    async def join_link(self, who: Who, event_id: UUID) -> str | None:
        try:
            return (await self.call("events", "GET", f"/v1/events/{event_id}/access", who))["join_url"]
        except ServiceError as error:
            if error.status in (403, 404, 409):
                return None
            raise

    async def booked_with(self, who: Who, person_id: UUID) -> Json:
        """Who is on the other side of each office hour the person booked or hosts, as their emails name them."""
        return await self.call("notifications", "GET", f"/v1/people/{person_id}/office-hours/booked-with", who)

    async def my_bookings(self, who: Who, ended_too: bool = False) -> Json:
        """The office hours the person booked still to end; `ended_too`, every one (their data)."""
        return await self.call("events", "GET", "/v1/office-hours/bookings/mine", who,
                               params={"ended_too": "true"} if ended_too else {})

    async def open_slots(self, who: Who, chapter_id: UUID | None) -> Json:
        params = {"chapter_id": str(chapter_id)} if chapter_id else {}
        return await self.call("events", "GET", "/v1/office-hours/slots", who, params=params)

    async def my_slots(self, who: Who, person_id: UUID, ended_too: bool = False) -> Json:
        """The slots the person offers, booked or not, still to start; `ended_too`, every one (their data)."""
        return await self.call("events", "GET", "/v1/office-hours/slots", who, params={
            "host_id": str(person_id), "open_only": "false", **({"ended_too": "true"} if ended_too else {})})

    async def book_slot(self, who: Who, slot_id: UUID, person_id: UUID) -> Json:
        return await self.call("events", "POST", f"/v1/office-hours/slots/{slot_id}/booking", who,
                               json={"person_id": str(person_id)})

    async def cancel_booking(self, who: Who, slot_id: UUID) -> Json:
        return await self.call("events", "DELETE", f"/v1/office-hours/slots/{slot_id}/booking", who)

    # --- notifications ---------------------------------------------------------------------------------------
    async def inbox(self, who: Who, person_id: UUID, limit: int = 50, language: str | None = None) -> Json:
        """`language`: the page's, which the messages are said in (notifications may not have heard yet of one the
        reader just switched to); None: the one notifications knows."""
        return await self.call("notifications", "GET", f"/v1/people/{person_id}/inbox", who,
                               params={"limit": limit, **({"language": language} if language else {})})

    async def inbox_message(self, who: Who, person_id: UUID, notification_id: UUID,
                            language: str | None = None) -> Json:
        """`language`: as for `inbox`."""
        return await self.call("notifications", "GET", f"/v1/people/{person_id}/inbox/{notification_id}", who,
                               params={"language": language} if language else None)

    async def preferences(self, who: Who, person_id: UUID) -> Json:
        return await self.call("notifications", "GET", f"/v1/people/{person_id}/preferences", who)

    async def change_preferences(self, who: Who, person_id: UUID, changes: Json) -> Json:
        return await self.call("notifications", "PATCH", f"/v1/people/{person_id}/preferences", who, json=changes)

    async def unsubscribe_link(self, token: str) -> Json:
        """What an emailed unsubscribe link stops (its category, and whether its reader is opted out already)."""
        return await self.call("notifications", "GET", "/v1/unsubscribe/link", WEB, params={"token": token})

    async def unsubscribe(self, token: str) -> Json:
        """Stop the category an emailed unsubscribe link names, for the one person it was sent to."""
        return await self.call("notifications", "POST", "/v1/unsubscribe", WEB, params={"token": token})

    async def mark_read(self, who: Who, person_id: UUID, notification_id: UUID) -> None:
        await self.call("notifications", "POST", f"/v1/people/{person_id}/inbox/{notification_id}/read", who)
