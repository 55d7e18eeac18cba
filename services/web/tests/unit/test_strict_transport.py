"""A site served over HTTPS tells browsers to come back over HTTPS only (HSTS), so that a first visit typed as
http:// on a café's network is not the one a stranger rewrites; a site on plain HTTP (development) does not."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from web.entrypoints.web import SecurityHeaders


def site(public_base_url: str) -> FastAPI:
    app = FastAPI()
    app.get("/")(lambda: {"ok": True})
    app.add_middleware(SecurityHeaders, public_base_url=public_base_url)
    return app


async def answer_of(app: FastAPI) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web") as browser:
        return await browser.get("/")


async def test_a_site_served_over_https_asks_browsers_for_https_only_for_a_year():
    answer = await answer_of(site("https://mentorship.example"))
    assert answer.headers["strict-transport-security"] == "max-age=31536000"


async def test_a_site_on_plain_http_asks_nothing_of_the_kind():
    answer = await answer_of(site("http://127.0.0.1:8105"))
    assert "strict-transport-security" not in answer.headers
    assert answer.headers["x-frame-options"] == "DENY"
