"""The services serve a request again when its database connection was lost before commit; the web must not: a
page calls the services before it writes its own database (sign-up asks profiles to register the person, then
writes the session), so serving it again would ask them twice."""

import asyncpg
import httpx
from plumbing.http import RequestContext
from plumbing.metrics import Metrics
from web.config import WebSettings


async def test_a_page_whose_database_connection_is_lost_is_answered_503_and_not_served_again():
    served = []

    async def page(scope, receive, send):
        served.append(scope["path"])  # here the page would have called profiles
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")

    settings = WebSettings.offline()
    app = RequestContext(page, Metrics("web"), 1_000_000, settings.database_retry_seconds)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web") as browser:
        answer = await browser.post("/sign-up/finish", data={"csrf": "x"})
    assert answer.status_code == 503 and served == ["/sign-up/finish"] and answer.headers["Retry-After"] == "1"


async def test_a_person_whose_page_finds_the_web_database_away_reads_a_page_in_their_language_not_json():
    from web.bootstrap import build_app
    from web.entrypoints.web import SESSION_COOKIE

    app = build_app(WebSettings.offline())

    def database_away(*_, **__):
        raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")

    app.state.new_unit_of_work = database_away  # reading the session needs the web's own database
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web") as browser:
        answer = await browser.get("/", headers={"Accept-Language": "es", "Cookie": f"{SESSION_COOKIE}=a-session"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
    assert answer.headers["content-type"].startswith("text/html")
    assert "<html" in answer.text and 'lang="es"' in answer.text
    assert "content-security-policy" in answer.headers
