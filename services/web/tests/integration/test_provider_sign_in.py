"""Sign-in through an organization's OpenID Connect provider, against a real one (authlib's authorization server,
`tests/oidc_provider.py`) served over HTTP beside a web app configured for it on the real platform: authorization
code with PKCE, a verified email finds the person as the emailed link does, an unverified one is refused, and an
attempt works once, only in the browser that began it."""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import httpx
import pytest
from devinfra.smtp_sink import MAIL_FROM
from plumbing.settings import new_secret_key
from plumbing.testing import free_port, serving

from ..oidc_provider import Client, Provider
from .test_security import Visitor

SECRET = new_secret_key()


@pytest.fixture(scope="module")
async def provider_and_web(platform, kafka_access):
    from web.bootstrap import build_app
    from web.config import WebSettings

    provider_port, web_port = free_port(), free_port()
    web_url = f"http://127.0.0.1:{web_port}"
    provider = Provider(f"http://127.0.0.1:{provider_port}", Client("mentorship-web", SECRET,
                                                                     f"{web_url}/oidc/callback"))
    settings = WebSettings(
        service_name="web", consumer_group_name=f"web_oidc_{uuid4().hex[:8]}", database_url=platform.databases["web"],
        **kafka_access.settings("web"), jwt_public_key=platform.public_key, jwt_private_key=platform.private_key,
        form_key=new_secret_key(), public_base_url=web_url, sign_in_limit_per_client=10_000,
        smtp_host="127.0.0.1", mail_from=MAIL_FROM,
        **{f"{s}_url": platform.urls[s] for s in ("profiles", "matching", "events", "notifications")},
        oidc_discovery_url=f"{provider.issuer}/.well-known/openid-configuration", oidc_client_id="mentorship-web",
        oidc_client_secret=SECRET, oidc_name="Northside Health")
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(serving(provider.app(), provider_port))  # type: ignore[arg-type]
        await stack.enter_async_context(serving(build_app(settings), web_port))
        yield provider, web_url


async def through_the_provider(visitor: Visitor, start: str = "/oidc/start") -> httpx.Response:
    """Press "Sign in with ...", let the provider send the browser back, and return the web app's last answer."""
    began = await visitor.request("GET", start)
    assert began.status_code == 303, began.text
    authorize = began.headers["location"]
    asked = parse_qs(urlsplit(authorize).query)
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
    assert "code_verifier" not in asked and asked["nonce"] and asked["state"]
    async with httpx.AsyncClient(timeout=30) as elsewhere:
        answered = await elsewhere.get(authorize)
    assert answered.status_code == 302, answered.text
    back = urlsplit(answered.headers["location"])
    return await visitor.request("GET", f"{back.path}?{back.query}")


@pytest.fixture
async def visitor(provider_and_web):
    opened = Visitor(provider_and_web[1])
    try:
        yield opened
    finally:
        await opened.aclose()


async def registered(platform) -> tuple[str, str]:
    email = f"oidc.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={"display_name": "Olu", "email": email,
                                                          "stage": "resident"})).raise_for_status().json()
    return email, person["id"]


async def test_the_sign_in_page_offers_the_organisations_provider(visitor):
    page = await visitor.request("GET", "/sign-in")
    assert "Sign in with Northside Health" in page.text and 'href="/oidc/start"' in page.text


async def test_a_verified_email_at_the_provider_signs_its_holder_in_with_a_new_session(platform, provider_and_web,
                                                                                       visitor):
    provider, _ = provider_and_web
    email, _ = await registered(platform)
    provider.user = {"sub": uuid4().hex, "email": email.upper(), "email_verified": True}
    before = provider.tokens_issued
    came_back = await through_the_provider(visitor)
    assert came_back.status_code == 303 and came_back.headers["location"] == "/", came_back.text[-1500:]
    assert "__Host-session" in visitor.cookies and provider.tokens_issued == before + 1
    home = await visitor.request("GET", "/")
    assert home.status_code == 200 and "Sign out" in home.text


async def test_an_unknown_verified_email_goes_on_to_sign_up_with_that_address(provider_and_web, visitor):
    provider, _ = provider_and_web
    provider.user = {"sub": uuid4().hex, "email": f"new.{uuid4().hex[:8]}@example.org", "email_verified": True}
    came_back = await through_the_provider(visitor)
    assert came_back.status_code == 303 and came_back.headers["location"] == "/sign-up"


@pytest.mark.parametrize("verified", [False, None, "yes"])
async def test_an_email_the_provider_does_not_say_is_verified_signs_no_one_in(platform, provider_and_web, visitor,
                                                                             verified):
    provider, _ = provider_and_web
    email, _ = await registered(platform)
    provider.user = {"sub": uuid4().hex, "email": email}
    if verified is not None:
        provider.user["email_verified"] = verified
    came_back = await through_the_provider(visitor)
    assert came_back.status_code == 400 and "does not confirm that your email address is verified" in came_back.text
    assert "__Host-session" not in visitor.cookies


async def test_the_providers_answer_works_once_and_only_in_the_browser_that_began(platform, provider_and_web):
    provider, web = provider_and_web
    email, _ = await registered(platform)
    provider.user = {"sub": uuid4().hex, "email": email, "email_verified": True}
    mine, other = Visitor(web), Visitor(web)
    try:
        began = await mine.request("GET", "/oidc/start")
        async with httpx.AsyncClient(timeout=30) as elsewhere:
            back = urlsplit((await elsewhere.get(began.headers["location"])).headers["location"])
        callback = f"{back.path}?{back.query}"
        stolen = await other.request("GET", callback)  # another browser (say, a link planted on a victim)
        assert stolen.status_code == 400 and "__Host-session" not in other.cookies
        again = await mine.request("GET", callback)  # the attempt was used up by that try
        assert again.status_code == 400 and "__Host-session" not in mine.cookies
    finally:
        await mine.aclose()
        await other.aclose()


async def test_a_code_is_refused_without_the_pkce_verifier_and_a_forged_state_is_refused(provider_and_web, visitor):
    provider, _ = provider_and_web
    provider.user = {"sub": "x", "email": "x@example.org", "email_verified": True}
    began = await visitor.request("GET", "/oidc/start")
    async with httpx.AsyncClient(timeout=30) as elsewhere:
        back = parse_qs(urlsplit((await elsewhere.get(began.headers["location"])).headers["location"]).query)
        # The code alone, without the verifier the web app keeps: the provider refuses it (PKCE).
        token = await elsewhere.post(f"{provider.issuer}/token", auth=("mentorship-web", SECRET), data={
            "grant_type": "authorization_code", "code": back["code"][0],
            "redirect_uri": provider.client.redirect_uri})
    assert token.status_code == 400 and token.json()["error"] == "invalid_request"
    forged = await visitor.request("GET", f"/oidc/callback?state=forged&code={back['code'][0]}")
    assert forged.status_code == 400 and "__Host-session" not in visitor.cookies


async def test_a_suspended_person_is_told_so_at_the_provider_sign_in(platform, provider_and_web, visitor,
                                                                    monkeypatch):
    provider, _ = provider_and_web
    email, _ = await registered(platform)
    provider.user = {"sub": uuid4().hex, "email": email, "email_verified": True}
    # profiles' lookup says `suspended` once console-profiles' suspension is on main; until then it is played here.
    from web.adapters.services import ServiceClients

    found = ServiceClients.find_person_by_email

    async def suspended(self, address):
        person = await found(self, address)
        return {**person, "suspended": True} if person else person

    monkeypatch.setattr(ServiceClients, "find_person_by_email", suspended)
    came_back = await through_the_provider(visitor)
    assert came_back.status_code == 403 and "Your account is suspended" in came_back.text
