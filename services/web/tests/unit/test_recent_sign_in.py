"""Changing the account's email address and erasing the account ask for a recent sign-in: a session left open (a
borrowed phone, a shared computer, a stolen cookie) is asked to confirm it is its person, by a sign-in link mailed to
the account's address, and changes nothing until then."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import httpx
from plumbing.testing import FakeUnitOfWork
from web.domain.sign_in import RECENT_SIGN_IN, Session, digest
from web.service_layer import sign_in

from .pages import CSRF, Services, browser
from .test_pages import ME, PERSON, my_data
from .test_sign_in import (
    KNOWN,
    NOW,
    Directory,
    FakeLinks,
    FakeOidcAttempts,
    FakeSessions,
    Mailer,
    Provider,
    provider_sign_in,
)

LONG_AGO = datetime.now(UTC) - timedelta(days=3)
EMAIL_FORM = 'action="/account/email"'
ERASE_FORM = 'action="/my-data/erase"'
CONFIRM = 'action="/account/confirm-it-is-you"'


def the_data_page() -> Services:
    """The services of "My data" and of erasure; profiles finds the person by their address (a sign-in link)."""
    return Services({**my_data(), f"POST /v1/people/{ME}/email-change": {"status": "sent"},
                     f"DELETE /v1/people/{ME}": httpx.Response(204), "POST /v1/people/lookup": PERSON})


def next_of(page: str) -> str:
    """Where the confirm-it-is-you form's link leads back to."""
    found = re.search(rf'{CONFIRM}.*?name="next" value="([^"]*)"', page, re.S)
    assert found, "no confirm-it-is-you form"
    return html.unescape(found.group(1))


def mailed_link(mailer: Mailer) -> str:
    """The path of the sign-in link in the last email."""
    found = re.search(r"https?://[^/\s]+(/sign-in/[A-Za-z0-9_-]+)", mailer.sent[-1][2])
    assert found, mailer.sent[-1][2]
    return found.group(1)


def test_a_sign_in_is_recent_for_a_quarter_of_an_hour_and_one_never_recorded_is_not():
    def signed(at: datetime | None) -> Session:
        return Session("d", "t", NOW + timedelta(days=1), signed_in_at=at)

    assert RECENT_SIGN_IN == timedelta(minutes=15)
    assert signed(NOW - timedelta(minutes=14)).recently_signed_in(NOW)
    assert not signed(NOW - timedelta(minutes=15)).recently_signed_in(NOW)
    assert not signed(None).recently_signed_in(NOW)


def test_renewing_a_session_keeps_it_signed_in_but_does_not_make_its_sign_in_recent():
    session = Session("d", "t", NOW + timedelta(minutes=5), signed_in_at=NOW - timedelta(days=13))
    assert session.renew(NOW, timedelta(days=14))
    assert session.expires_at == NOW + timedelta(days=14)
    assert session.signed_in_at == NOW - timedelta(days=13) and not session.recently_signed_in(NOW)


async def test_a_link_or_the_identity_provider_records_when_the_session_was_signed_in():
    uow, directory, mailer = FakeUnitOfWork(links=FakeLinks(), sessions=FakeSessions(), oidc=FakeOidcAttempts()), \
        Directory(), Mailer()
    await sign_in.request_link(KNOWN, "10.0.0.1", "en", NOW - timedelta(minutes=1), uow, directory=directory,
                               mailer=mailer, compose=lambda language, url, known, code: ("s", url, url),
                               link_url=lambda s: s, lifetime=timedelta(minutes=15), limit_per_address=3,
                               limit_per_client=5, browser="a-browser")
    by_link, session, _ = await sign_in.redeem_link(mailer.sent[-1][2], None, NOW, uow, directory=directory,
                                                   idle=timedelta(days=1))
    assert session.signed_in_at == NOW and (await sign_in.find_session(by_link, NOW, uow)).signed_in_at == NOW
    by_provider, session, _ = await provider_sign_in(
        uow, Directory(), Provider({"sub": "1", "email": KNOWN, "email_verified": True}))
    assert session.signed_in_at == NOW and uow.sessions.rows[digest(by_provider)].signed_in_at == NOW


async def test_a_session_signed_in_long_ago_is_asked_to_confirm_it_is_them_instead_of_the_forms():
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO) as page:
        data = await page.get("/my-data")
        erase = await page.get("/my-data/erase")
    assert data.status_code == erase.status_code == 200
    for shown in (data, erase):
        assert "For your safety, confirm it is you" in shown.text
        assert ">Email me a sign-in link</button>" in shown.text
        assert 'name="email"' not in shown.text
    assert EMAIL_FORM not in data.text and ERASE_FORM not in erase.text
    assert next_of(data.text) == "/my-data#email" and next_of(erase.text) == "/my-data/erase"
    assert 'href="/my-data/download"' in data.text  # the rest of the page is as it was


async def test_a_session_never_known_to_have_signed_in_lately_is_asked_too():
    async with browser(the_data_page(), ME, signed_in_at=None) as page:  # as the migration leaves open sessions
        erase = await page.get("/my-data/erase")
    assert ERASE_FORM not in erase.text and CONFIRM in erase.text


async def test_a_fresh_sign_in_sees_the_forms():
    async with browser(the_data_page(), ME, signed_in_at=datetime.now(UTC) - timedelta(minutes=2)) as page:
        data = await page.get("/my-data")
        erase = await page.get("/my-data/erase")
    assert EMAIL_FORM in data.text and ERASE_FORM in erase.text
    assert CONFIRM not in data.text + erase.text


async def test_posting_the_change_or_the_erasure_from_an_old_session_is_refused_with_the_same_page_changing_nothing():
    services, sessions = the_data_page(), FakeSessions()
    async with browser(services, ME, signed_in_at=LONG_AGO, sessions=sessions) as page:
        changed = await page.post("/account/email", data={"csrf": CSRF, "email": "mallory@example.org"})
        erased = await page.post("/my-data/erase", data={"csrf": CSRF, "confirm": "erase"})
        still_signed_in = await page.get("/my-data")
    assert changed.status_code == erased.status_code == 403
    for refused in (changed, erased):
        assert "For your safety, confirm it is you" in refused.text and CONFIRM in refused.text
        assert re.search(r'class="notice error" role="alert"[^>]*>\s*<p>Nothing was changed', refused.text)
        assert "set-cookie" not in {k.lower() for k in refused.headers} or \
            not [c for c in refused.headers.get_list("set-cookie") if c.startswith('__Host-session=""')]
    assert EMAIL_FORM not in changed.text and ERASE_FORM not in erased.text
    assert "<title>Error: Erase your account" in erased.text and "<title>Error: My data" in changed.text
    assert "mallory@example.org" not in changed.text
    assert not [r for r in services.sent if r.method in ("POST", "DELETE", "PATCH", "PUT")], "nothing asked of profiles"
    assert still_signed_in.status_code == 200 and len(sessions.rows) == 1


async def test_visiting_pages_renews_the_session_but_never_makes_its_sign_in_recent():
    sessions = FakeSessions()
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO, sessions=sessions) as page:
        first = await page.get("/my-data/erase")  # a session with an hour left: renewed at once
        second = await page.get("/my-data/erase")
    assert [c for c in first.headers.get_list("set-cookie") if c.startswith("__Host-session=")], "renewed"
    [session] = sessions.rows.values()
    assert session.expires_at > datetime.now(UTC) + timedelta(days=13) and session.signed_in_at == LONG_AGO
    assert ERASE_FORM not in second.text and CONFIRM in second.text


async def test_the_emailed_link_goes_to_the_accounts_address_and_brings_the_person_back_to_the_page_able_to_erase():
    services, mailer = the_data_page(), Mailer()
    async with browser(services, ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        asking = await page.get("/my-data/erase")
        # A crafted address is not used: the link goes to the account's own.
        asked = await page.post("/account/confirm-it-is-you", data={
            "csrf": CSRF, "next": next_of(asking.text), "email": "mallory@example.org"})
        told = await page.get(asked.headers["location"])
        link = mailed_link(mailer)
        confirming = await page.get(link)
        used = await page.post(link, data={"csrf": CSRF})
        back = await page.get(used.headers["location"])
        token = re.search(r'name="csrf" value="([^"]+)"', back.text).group(1)
        erased = await page.post("/my-data/erase", data={"csrf": token, "confirm": "erase"})
    assert asked.status_code == 303 and asked.headers["location"] == "/my-data/erase?done=sign_in_link_sent"
    assert [to for to, *_ in mailer.sent] == [PERSON["email"]]
    assert "We emailed a sign-in link to your address" in told.text and ERASE_FORM not in told.text
    assert "another account" not in confirming.text
    assert used.status_code == 303 and used.headers["location"] == "/my-data/erase"
    assert ERASE_FORM in back.text and CONFIRM not in back.text
    assert erased.status_code == 303 and erased.headers["location"] == "/?erased=1"
    assert [r.method for r in services.sent if r.url.path == f"/v1/people/{ME}"][-1] == "DELETE"


async def test_the_code_in_the_email_typed_on_the_page_that_asked_confirms_it_is_them_and_brings_them_back():
    services, mailer = the_data_page(), Mailer()
    async with browser(services, ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        asked = await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": "/my-data/erase"})
        told = await page.get(asked.headers["location"])
        code = re.search(r"link: (\d{3} \d{3})", mailer.sent[-1][2]).group(1)
        typed = await page.post("/sign-in/code", data={"csrf": CSRF, "code": code})
        back = await page.get(typed.headers["location"])
    assert 'action="/sign-in/code"' in told.text and "type the code from the email" in told.text
    assert typed.status_code == 303 and typed.headers["location"] == "/my-data/erase"
    assert ERASE_FORM in back.text and CONFIRM not in back.text


async def test_the_link_asked_for_from_the_data_page_leads_back_to_its_email_form_which_then_works():
    services, mailer = the_data_page(), Mailer()
    async with browser(services, ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        asked = await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": "/my-data#email"})
        told = await page.get(asked.headers["location"])
        used = await page.post(mailed_link(mailer), data={"csrf": CSRF})
        back = await page.get(used.headers["location"])
        token = re.search(r'name="csrf" value="([^"]+)"', back.text).group(1)
        changed = await page.post("/account/email", data={"csrf": token, "email": "ana.new@example.org"})
    assert asked.headers["location"] == "/my-data?done=sign_in_link_sent"
    assert "We emailed a sign-in link to your address" in told.text
    assert used.headers["location"] == "/my-data#email" and EMAIL_FORM in back.text
    assert changed.status_code == 303 and changed.headers["location"] == "/my-data?done=email_link_sent"


async def test_a_link_leads_back_only_to_a_page_that_asks_for_it():
    mailer = Mailer()
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        asked = await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": "//elsewhere.example/x"})
        used = await page.post(mailed_link(mailer), data={"csrf": CSRF})
    assert asked.headers["location"] == "/my-data?done=sign_in_link_sent"
    assert used.headers["location"] == "/my-data#email"


async def test_too_many_links_asked_for_is_said_on_the_page_and_no_more_are_mailed():
    mailer = Mailer()
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        answers = [await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": "/my-data/erase"})
                   for _ in range(6)]  # five an address may ask for in a quarter of an hour (the settings' own)
    assert [a.status_code for a in answers] == [303] * 5 + [429]
    assert "too many" in answers[-1].text.lower() and 'role="alert"' in answers[-1].text
    assert "<title>Error: Erase your account" in answers[-1].text
    assert CONFIRM in answers[-1].text and ERASE_FORM not in answers[-1].text
    assert len(mailer.sent) == 5


async def test_a_link_the_mail_server_refused_is_said_on_the_page():
    mailer = Mailer()
    mailer.refusing = True
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        refused = await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": "/my-data#email"})
    assert refused.status_code == 503 and CONFIRM in refused.text and EMAIL_FORM not in refused.text
    assert 'role="alert"' in refused.text


async def test_the_confirm_it_is_you_page_is_in_spanish_too():
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO, language="es") as page:
        erase = await page.get("/my-data/erase")
    assert "Por tu seguridad" in erase.text and ">Enviarme un enlace</button>" in erase.text


async def test_an_administrator_asked_to_confirm_before_erasing_someone_is_brought_back_to_that_erasure():
    someone = "/console/people/4b8f0e1c-8d8a-4d37-9e41-3f1f0d1a2b3c/erase"
    mailer = Mailer()
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        crafted = await page.post("/account/confirm-it-is-you",
                                  data={"csrf": CSRF, "next": "/console/people/not-an-id/erase"})
        asked = await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": someone})
        used = await page.post(mailed_link(mailer), data={"csrf": CSRF})
    assert asked.status_code == 303 and asked.headers["location"] == f"{someone}?done=sign_in_link_sent"
    assert [to for to, *_ in mailer.sent] == [PERSON["email"]] * 2
    assert used.headers["location"] == someone
    assert crafted.headers["location"] == "/my-data?done=sign_in_link_sent"


async def test_a_console_page_asking_to_confirm_hears_a_refused_link_on_that_page():
    someone = "/console/people/4b8f0e1c-8d8a-4d37-9e41-3f1f0d1a2b3c/erase"
    mailer = Mailer()
    mailer.refusing = True
    async with browser(the_data_page(), ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        refused = await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": someone})
    assert refused.status_code == 303 and refused.headers["location"] == f"{someone}?done=sign_in_email_not_sent"


async def test_a_new_address_refused_is_said_in_a_summary_that_takes_focus_above_the_page_and_in_the_title():
    # The form is far down the data page: on a phone, an error beside it alone was never seen.
    async with browser(the_data_page(), ME) as page:
        refused = await page.post("/account/email", data={"csrf": CSRF, "email": PERSON["email"]})
    assert refused.status_code == 422 and "<title>Error: " in refused.text
    summary = re.search(r'<div class="notice error error-summary"[^>]*data-focus[^>]*>(.*?)</div>', refused.text, re.S)
    assert summary and 'href="#new-email"' in summary[1]
    assert summary.start() < refused.text.index(EMAIL_FORM)


async def test_a_sign_in_link_says_the_language_of_its_email_for_a_device_whose_browser_speaks_another():
    # Opened on another device with an English browser, a Spanish reader's link showed its page in English.
    mailer, services = Mailer(), the_data_page()
    services.answers["POST /v1/people/lookup"] = {**PERSON, "preferred_language": "es"}
    async with browser(services, ME, signed_in_at=LONG_AGO, mailer=mailer) as page:
        await page.post("/account/confirm-it-is-you", data={"csrf": CSRF, "next": "/my-data/erase"})
    assert re.search(r"/sign-in/[A-Za-z0-9_-]+\?lang=es\s", mailer.sent[-1][2])
