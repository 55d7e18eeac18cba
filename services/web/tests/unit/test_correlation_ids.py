"""One person's action is followed across services by its correlation id: the web app serves a page under the
browser's `X-Correlation-Id` (or a new one, which the answer carries back), hands it on to every service it calls
for the page, and writes its access line under it."""

from __future__ import annotations

import json
import logging
from uuid import uuid4

import pytest
from plumbing.logs import JsonFormatter

from .pages import Services, browser
from .test_pages import ME, my_data


class Lines(logging.Handler):
    """The JSON lines the web app writes (the correlation id is read as a line is formatted)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter("web"))
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def access_lines():
    lines, logger = Lines(), logging.getLogger("plumbing.access")
    logger.addHandler(lines)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield lines.lines
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)


async def test_the_services_a_page_calls_are_given_the_correlation_id_the_browser_sent():
    services = Services(my_data())
    async with browser(services, ME) as page:
        answer = await page.get("/my-data", headers={"X-Correlation-Id": "a-persons-action"})
    assert answer.status_code == 200 and answer.headers["x-correlation-id"] == "a-persons-action"
    assert len(services.sent) > 1
    assert {call.headers.get("x-correlation-id") for call in services.sent} == {"a-persons-action"}


async def test_a_page_asked_without_a_correlation_id_gives_the_services_the_one_it_answers_with():
    services = Services(my_data())
    async with browser(services, ME) as page:
        first = await page.get("/my-data")
        calls = len(services.sent)
        second = await page.get("/my-data")
    ids = first.headers["x-correlation-id"], second.headers["x-correlation-id"]
    assert ids[0] != ids[1]
    assert {call.headers.get("x-correlation-id") for call in services.sent[:calls]} == {ids[0]}
    assert {call.headers.get("x-correlation-id") for call in services.sent[calls:]} == {ids[1]}


async def test_the_access_line_of_a_page_carries_its_correlation_id(access_lines):
    action = f"action-{uuid4().hex[:8]}"
    async with browser(Services(my_data()), ME) as page:
        await page.get("/my-data", headers={"X-Correlation-Id": action})
        await page.get("/no-such-page", headers={"X-Correlation-Id": "another-action"})
    assert [(line["msg"], line["route"], line.get("correlation_id")) for line in access_lines] == [
        ("request", "/my-data", action), ("request", "unmatched", "another-action")]
