"""What protects the door, checked over HTTP against the web app on the real platform: CSRF tokens, no session
fixation, links that work once and in time and survive a mail scanner, the same answer for any address, the rate
limit, security headers, and no token in a log line."""

from __future__ import annotations

import hashlib
import logging
import re
from uuid import uuid4

import asyncpg
import httpx
import pytest
from plumbing.logs import RedactCredentialsInPaths

from ..unit.test_sign_in import not_the

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Visitor:
    """A browser without a browser: cookies kept by hand (httpx keeps no Secure cookie over plain HTTP, which
    Chromium does for 127.0.0.1), every request's answer kept."""

    def __init__(self, base: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=30)
        self.cookies: dict[str, str] = {}

    async def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = await self.http.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0].strip('"')
            if value and "Max-Age=0" not in header and "expires=Thu, 01 Jan 1970" not in header:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response

    async def csrf(self, path: str = "/") -> str:
        return CSRF.search((await self.request("GET", path)).text).group(1)

    async def ask_link(self, email: str) -> httpx.Response:
        return await self.request("POST", "/sign-in", data={"email": email, "csrf": await self.csrf()})

    async def aclose(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def visitor(platform):
    opened = Visitor(platform.web)
    try:
        yield opened
    finally:
        await opened.aclose()


async def link_for(platform, visitor: Visitor, email: str) -> str:
    before = platform.last_message_id()
    assert (await visitor.ask_link(email)).status_code == 200
    return httpx.URL(await platform.link_sent_to(email, after=before)).path


async def signed_up(platform, visitor: Visitor) -> str:
    email = f"sec.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "S", "email": email, "stage": "undergraduate"})
    path = await link_for(platform, visitor, email)
    used = await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})
    assert used.status_code == 303 and used.headers["location"] == "/"
    return email


async def test_a_state_changing_request_without_the_pages_csrf_token_is_refused(platform, visitor):
    refused = await visitor.request("POST", "/sign-in", data={"email": "a@example.org"})
    assert refused.status_code == 403
    await signed_up(platform, visitor)
    for data, headers in (({}, {}), ({"csrf": "forged"}, {}), ({}, {"X-CSRF-Token": "forged"})):
        answer = await visitor.request("POST", "/language", data={"language": "es", **data}, headers=headers)
        assert answer.status_code == 403
    # Another browser's token does not do either.
    other = Visitor(platform.web)
    try:
        token = await other.csrf("/")
    finally:
        await other.aclose()
    assert (await visitor.request("POST", "/sign-out", data={"csrf": token})).status_code == 403
    # The page's own token does, in the form or in the header HTMX sends.
    mine = await visitor.csrf("/")
    assert (await visitor.request("POST", "/language", data={"language": "es"},
                                  headers={"X-CSRF-Token": mine})).status_code == 303


async def test_signing_in_gives_a_new_session_id_whatever_the_browser_brought(platform, visitor):
    visitor.cookies["__Host-session"] = "chosen-by-an-attacker-" + "x" * 30
    await signed_up(platform, visitor)
    first = visitor.cookies["__Host-session"]
    assert first != "chosen-by-an-attacker-" + "x" * 30
    # Signing in again (another link) replaces the session: the earlier id no longer works.
    email = f"again.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "A", "email": email, "stage": "undergraduate"})
    path = await link_for(platform, visitor, email)
    await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})
    assert visitor.cookies["__Host-session"] != first
    stale = Visitor(platform.web)
    try:
        stale.cookies["__Host-session"] = first
        assert (await stale.request("GET", "/my-data")).status_code == 303
    finally:
        await stale.aclose()


async def test_the_session_cookie_is_host_only_secure_http_only_and_lax(platform, visitor):
    email = f"cookie.{uuid4().hex[:8]}@example.org"
    path = await link_for(platform, visitor, email)
    used = await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})
    [cookie] = [c for c in used.headers.get_list("set-cookie") if c.startswith("__Host-session=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


async def test_a_link_works_once(platform, visitor):
    email = f"once.{uuid4().hex[:8]}@example.org"
    path = await link_for(platform, visitor, email)
    assert (await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})).status_code == 303
    again = Visitor(platform.web)
    try:
        assert (await again.request("GET", path)).status_code == 410
        replay = await again.request("POST", path, data={"csrf": await again.csrf()})
        assert replay.status_code == 410 and "__Host-session" not in again.cookies
    finally:
        await again.aclose()


async def test_the_emailed_code_signs_in_the_visitor_that_asked_only_and_its_wrong_tries_are_counted(
        platform, visitor):
    email = f"code.{uuid4().hex[:8]}@example.org"
    before = platform.last_message_id()
    assert (await visitor.ask_link(email)).status_code == 200
    typed_here = re.compile(r"\bType this code on the page where you asked for the link: (\d{3} \d{3})\b")
    message = await platform.sink.wait_for(
        lambda m: m["id"] > before and email in " ".join(m["rcpt_tos"]) and typed_here.search(m["text"] or ""),
        timeout=30)
    code = typed_here.search(message["text"]).group(1)
    wrong = not_the(code)
    elsewhere = Visitor(platform.web)
    try:
        stolen = await elsewhere.request("POST", "/sign-in/code", data={"code": code, "csrf": await elsewhere.csrf()})
        assert stolen.status_code == 410 and "__Host-session" not in elsewhere.cookies
    finally:
        await elsewhere.aclose()
    guessed = await visitor.request("POST", "/sign-in/code", data={"code": wrong, "csrf": await visitor.csrf()})
    conn = await asyncpg.connect(platform.databases["web"])
    try:
        kept = await conn.fetchrow("SELECT code_digest, code_tries FROM sign_in_links WHERE email = $1", email)
    finally:
        await conn.close()
    assert guessed.status_code == 422 and kept["code_tries"] == 1
    assert code.replace(" ", "") not in kept["code_digest"]
    typed = await visitor.request("POST", "/sign-in/code", data={"code": code, "csrf": await visitor.csrf()})
    assert typed.status_code == 303 and "__Host-session" in visitor.cookies


async def test_an_expired_link_does_not_sign_in(platform, visitor):
    email = f"late.{uuid4().hex[:8]}@example.org"
    path = await link_for(platform, visitor, email)
    conn = await asyncpg.connect(platform.databases["web"])
    try:
        await conn.execute("UPDATE sign_in_links SET expires_at = now() - interval '1 second' WHERE email = $1", email)
    finally:
        await conn.close()
    assert (await visitor.request("GET", path)).status_code == 410
    late = await visitor.request("POST", path, data={"csrf": await visitor.csrf()})
    assert late.status_code == 410 and "__Host-session" not in visitor.cookies


async def test_a_mail_scanner_fetching_the_link_first_uses_nothing_up(platform, visitor):
    email = f"scanned.{uuid4().hex[:8]}@example.org"
    path = await link_for(platform, visitor, email)
    async with httpx.AsyncClient(base_url=platform.web) as scanner:
        for _ in range(3):
            fetched = await scanner.get(path)
            assert fetched.status_code == 200 and "Sign me in" in fetched.text
            assert "set-cookie" not in {k.lower() for k in fetched.headers if "session" in fetched.headers[k]}
    used = await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})
    assert used.status_code == 303 and "__Host-session" in visitor.cookies


async def test_the_answer_is_the_same_whether_or_not_the_address_is_known(platform, visitor):
    # Someone of our own: the world's mentor signs in in many tests, and may have used up their links this hour.
    known = f"known.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        registered = await profiles.post("/v1/people", json={"display_name": "Known", "email": known,
                                                             "stage": "resident"})
        assert registered.status_code == 201, registered.text
    unknown = f"nobody.{uuid4().hex[:8]}@example.org"
    answers = [await visitor.ask_link(address) for address in (known, unknown)]
    assert [a.status_code for a in answers] == [200, 200]
    first, second = (a.text.replace(address, "ADDRESS") for a, address in zip(answers, (known, unknown), strict=True))
    assert CSRF.sub("", first) == CSRF.sub("", second)


async def test_links_asked_for_one_address_are_limited(platform, visitor):
    email = f"many.{uuid4().hex[:8]}@example.org"
    statuses = [(await visitor.ask_link(email)).status_code for _ in range(platform.links_per_address + 1)]
    assert statuses == [200] * platform.links_per_address + [429]


async def test_links_an_address_followed_do_not_count_against_it_and_those_nobody_followed_do(platform):
    email = f"devices.{uuid4().hex[:8]}@example.org"
    for _ in range(platform.links_per_address + 1):  # one device after another, each signed in
        device = Visitor(platform.web)
        try:
            path = await link_for(platform, device, email)
            assert (await device.request("POST", path, data={"csrf": await device.csrf(path)})).status_code == 303
        finally:
            await device.aclose()
    unfollowed = Visitor(platform.web)
    try:
        statuses = [(await unfollowed.ask_link(email)).status_code for _ in range(platform.links_per_address + 1)]
    finally:
        await unfollowed.aclose()
    assert statuses == [200] * platform.links_per_address + [429]


async def test_every_answer_carries_the_security_headers(platform, visitor):
    for path in ("/", "/sign-in", "/events", "/static/site.css", "/no-such-page"):
        headers = (await visitor.request("GET", path)).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer" and headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    assert (await visitor.request("GET", "/")).headers["cache-control"] == "no-store"


async def test_no_sign_in_token_and_no_address_reaches_a_log_line(platform, visitor, caplog):
    email = f"logged.{uuid4().hex[:8]}@example.org"
    with caplog.at_level(logging.DEBUG):
        path = await link_for(platform, visitor, email)
        await visitor.request("GET", path)
        await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})
    token = path.rsplit("/", 1)[1]
    # The web app's and the platform's own records (not the test's HTTP client's, nor the SMTP sink's).
    ours = ("web", "plumbing", "uvicorn", "fastapi", "starlette", "aiosmtplib", "faststream")
    lines = [record.getMessage() + repr(record.__dict__) for record in caplog.records
             if record.name.split(".")[0] in ours]
    assert [line for line in lines if token in line or email in line] == []
    assert any("/sign-in/{token}" in line for line in lines), "the access log names the route, not the path"


async def test_no_calendar_feeds_token_reaches_a_log_line_of_the_web_app_or_the_events_service(
        platform, visitor, caplog):
    await signed_up(platform, visitor)
    with caplog.at_level(logging.DEBUG):
        asked = await visitor.request("POST", "/registrations/calendar-link",
                                      data={"csrf": await visitor.csrf("/registrations")})
        assert asked.status_code == 303
        made = await visitor.request("GET", asked.headers["location"])
        link = httpx.URL(re.search(r'id="calendar-link"[^>]*value="([^"]+)"', made.text).group(1))
        fetched = await visitor.request("GET", link.path)
        assert fetched.status_code == 200 and fetched.text.startswith("BEGIN:VCALENDAR")
    token = link.path.rsplit("/", 1)[1].removesuffix(".ics")
    ours = ("web", "events", "plumbing", "uvicorn", "fastapi", "starlette", "faststream")
    lines = [record.getMessage() + repr(record.__dict__) for record in caplog.records
             if record.name.split(".")[0] in ours]
    assert [line for line in lines if token in line] == []
    assert any("/calendar/{token}.ics" in line for line in lines), "the access log names the route, not the path"
    # uvicorn's access log, where a deployment turns it on, has the path: it is redacted as a sign-in link's is.
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("10.0.0.1", "GET", link.path, "1.1", 200), None)
    RedactCredentialsInPaths(("/sign-in/", "/calendar/")).filter(record)
    assert token not in record.getMessage() and "/calendar/[redacted]" in record.getMessage()


async def test_a_mentorship_that_is_not_yours_is_not_found_whatever_is_posted_to_it(platform, visitor):
    await signed_up(platform, visitor)
    csrf = await visitor.csrf()
    someone_elses = f"/mentorships/{uuid4()}"
    for action, form in (("accept", {}), ("decline", {"reason_code": "other"}), ("end", {"reason_code": "other"}),
                         ("renew", {}), ("complete", {}), ("feedback", {"rating": "5"}),
                         ("meetings", {"met_on": "2026-01-01", "minutes": "30"}),
                         ("meetings", {"met_on": "not a day", "minutes": "30"})):
        answer = await visitor.request("POST", f"{someone_elses}/{action}", data={"csrf": csrf, **form})
        assert answer.status_code == 404, (action, answer.status_code)
    assert (await visitor.request("GET", f"{someone_elses}/feedback")).status_code == 404


async def test_an_office_hour_at_the_end_of_the_calendar_is_refused_with_words_not_a_failure(platform, visitor):
    await signed_up(platform, visitor)
    offered = await visitor.request("POST", "/my-office-hours", data={
        "csrf": await visitor.csrf("/my-office-hours"), "day": "9999-12-31", "time": "23:45", "minutes": "30"})
    assert offered.status_code == 422
    assert "Give the day of the slot." in offered.text  # next to the day, the rest kept


async def test_a_sign_in_link_is_mailed_to_one_address_and_a_list_of_them_is_refused(platform, visitor):
    mark = uuid4().hex[:8]
    before = platform.last_message_id()
    listed = await visitor.ask_link(f"one.{mark}@example.org,two.{mark}@example.org")
    assert listed.status_code == 422 and "like name@example.org" in listed.text
    path = await link_for(platform, visitor, f"three.{mark}@example.org")
    assert path.startswith("/sign-in/")
    mailed = [m["rcpt_tos"] for m in platform.sink.messages() if m["id"] > before and mark in " ".join(m["rcpt_tos"])]
    assert mailed == [[f"three.{mark}@example.org"]]


async def test_a_session_signed_in_long_ago_confirms_it_is_its_person_by_a_link_before_erasing_the_account(
        platform, visitor):
    email = await signed_up(platform, visitor)
    session = hashlib.sha256(visitor.cookies["__Host-session"].encode()).hexdigest()
    conn = await asyncpg.connect(platform.databases["web"])
    try:
        signed_in_at = await conn.fetchval("SELECT signed_in_at FROM sessions WHERE digest = $1", session)
        assert signed_in_at is not None, "a sign-in by link records when"
        # A day later, and about to lapse: the next page renews it, which must not make its sign-in recent.
        await conn.execute("UPDATE sessions SET signed_in_at = now() - interval '1 day', "
                           "expires_at = now() + interval '5 minutes' WHERE digest = $1", session)
        asking = await visitor.request("GET", "/my-data/erase")
        renewed = await conn.fetchrow(
            "SELECT expires_at > now() + interval '1 day' AS renewed, signed_in_at < now() - interval '23 hours' AS old"
            " FROM sessions WHERE digest = $1", session)
    finally:
        await conn.close()
    assert renewed["renewed"] and renewed["old"]
    assert asking.status_code == 200 and 'action="/my-data/erase"' not in asking.text
    assert 'action="/account/confirm-it-is-you"' in asking.text
    csrf = CSRF.search(asking.text).group(1)
    refused = await visitor.request("POST", "/my-data/erase", data={"csrf": csrf, "confirm": "erase"})
    assert refused.status_code == 403 and (await visitor.request("GET", "/my-data")).status_code == 200
    before = platform.last_message_id()
    asked = await visitor.request("POST", "/account/confirm-it-is-you", data={"csrf": csrf, "next": "/my-data/erase"})
    assert asked.status_code == 303 and asked.headers["location"] == "/my-data/erase?done=sign_in_link_sent"
    path = httpx.URL(await platform.link_sent_to(email, after=before)).path
    used = await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})
    assert used.status_code == 303 and used.headers["location"] == "/my-data/erase"
    back = await visitor.request("GET", "/my-data/erase")
    assert 'action="/my-data/erase"' in back.text
    erased = await visitor.request("POST", "/my-data/erase", data={"csrf": CSRF.search(back.text).group(1),
                                                                    "confirm": "erase"})
    assert erased.status_code == 303 and erased.headers["location"] == "/?erased=1"
