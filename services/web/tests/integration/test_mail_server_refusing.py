"""A web app whose mail server refuses (nothing listens at its SMTP port), on the real platform: asking for a sign-in
link says the email could not be sent, rather than "check your email", whether the address is registered or not,
and the refusal is counted on /metrics for the operator's alert."""

from __future__ import annotations

import contextlib
from uuid import uuid4

import httpx
import pytest
from plumbing.settings import new_secret_key
from plumbing.testing import free_port, serving

from .test_security import Visitor


@pytest.fixture(scope="module")
async def refusing_web(platform, kafka_access):
    from web.bootstrap import build_app
    from web.config import WebSettings

    port = free_port()
    settings = WebSettings(
        service_name="web", consumer_group_name=f"web_refusing_{uuid4().hex[:8]}",
        database_url=platform.databases["web"], **kafka_access.settings("web"), jwt_public_key=platform.public_key,
        jwt_private_key=platform.private_key, form_key=new_secret_key(), public_base_url=f"http://127.0.0.1:{port}",
        sign_in_limit_per_client=10_000, smtp_host="127.0.0.1", smtp_port=free_port(),
        **{f"{s}_url": platform.urls[s] for s in ("profiles", "matching", "events", "notifications")})
    async with contextlib.AsyncExitStack() as stack:
        yield await stack.enter_async_context(serving(build_app(settings), port))


async def test_a_sign_in_link_the_mail_server_refused_is_said_to_be_unsent_for_any_address(platform, refusing_web):
    visitor = Visitor(refusing_web)
    try:
        registered = platform.world["mentor"]["email"]
        for address in (registered, f"nobody.{uuid4().hex[:8]}@example.org"):
            answer = await visitor.ask_link(address)
            assert answer.status_code == 503
            assert "We could not send the email just now. Please try again in a few minutes." in answer.text
            assert f'value="{address}"' in answer.text and "Check your email" not in answer.text
    finally:
        await visitor.aclose()
    async with httpx.AsyncClient(base_url=refusing_web) as scraper:
        figures = (await scraper.get("/metrics")).text
    assert 'sign_in_emails_total{outcome="refused"} 2.0' in figures
