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
    assert answer.status_code == 503 and served == ["/sign-up/finish"]
