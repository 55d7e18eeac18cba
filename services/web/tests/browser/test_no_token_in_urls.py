"""After the sign-in link is used, no page, redirect or request carries its token (nor any other) in a URL, and
no request sends a Referer; Chromium keeps the __Host- cookie on http://127.0.0.1, a secure context."""

from __future__ import annotations

import re
from uuid import uuid4

from ..conftest import sign_in


async def test_no_url_after_sign_in_carries_a_token_and_no_referer_is_sent(platform, page, context):
    seen: list[tuple[str, str, dict]] = []
    page.on("request", lambda request: seen.append((request.method, request.url, request.headers)))
    email = f"urls.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "U", "email": email, "stage": "undergraduate"})
    await sign_in(page, platform, email)
    for path in ("/events", "/my-data", "/"):
        await page.goto(path)

    link = next(url for _, url, _ in seen if "/sign-in/" in url)
    token = link.rsplit("/", 1)[1]
    used_at = max(i for i, (method, url, _) in enumerate(seen) if method == "POST" and token in url)
    after = seen[used_at + 1:]
    assert after and [url for _, url, _ in after if token in url or re.search(r"token=|/sign-in/.", url)] == []
    assert [url for _, url, headers in seen if headers.get("referer")] == []  # Referrer-Policy: no-referrer
    assert token not in page.url
    [cookie] = [c for c in await context.cookies() if c["name"] == "__Host-session"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax" and token not in cookie["value"]
