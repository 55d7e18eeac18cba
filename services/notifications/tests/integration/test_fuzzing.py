"""Schemathesis against notifications' own OpenAPI document, on the real database, broker and SMTP sink: every
operation, with input that fits the document and input that does not, as an administrator. No answer is a 5xx.

The run has a service and a database of its own; the ids it sends are random or those of the records it made itself
here (a person it told the service of, and their welcome notification), so it changes nothing it did not create
(`plumbing.fuzzing`).
"""

import asyncio
import time
from uuid import uuid4

import pytest
from mentorship_contracts import profiles
from notifications.bootstrap import build_app
from plumbing.fuzzing import fuzz
from plumbing.testing import eventually, serving

from .conftest import Running, settings_for


async def records_of_its_own(service, publish, smtp_sink) -> dict[str, list[str]]:
    """A person the service has heard of (from the contacts topic) and the notification it sent them."""
    person = profiles.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name="Fuzzed person",
                                              email=f"fuzzed.{uuid4().hex}@example.org")
    await publish(person, profiles.PersonRegisteredV2(person_id=person.person_id, chapter_id=None,
                                                      stage="undergraduate"))
    await smtp_sink.wait_for(lambda m: person.email in m["rcpt_tos"], timeout=90)
    async with service.client() as admin:
        async def welcome():
            items = (await admin.get(f"/v1/people/{person.person_id}/inbox")).json()["items"]
            return items[0]["id"] if items else None

        notification_id = await eventually(welcome, timeout=30, what="the welcome in the inbox")
    return {"person_id": [str(person.person_id)], "notification_id": [notification_id]}


# Schemathesis's own strategies draw from `random`, which Hypothesis warns of under `derandomize`.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
async def test_no_input_makes_the_notifications_api_answer_a_server_error(
        postgres_server, kafka_settings, smtp_sink, publish):
    settings = settings_for(postgres_server, kafka_settings, smtp_sink.smtp_port)
    app = build_app(settings)
    document = app.openapi()
    async with serving(app, settings.http_port) as url:
        service = Running(url, settings)
        own = await records_of_its_own(service, publish, smtp_sink)
        async with service.client() as admin:
            authorization = admin.headers["Authorization"]
        started = time.monotonic()
        sent, server_errors = await asyncio.to_thread(fuzz, document, url, authorization, own)
    print(f"schemathesis: {len(sent)} operations, {sum(sent.values())} requests in {time.monotonic() - started:.0f} s,"
          f" {len(server_errors)} server errors")
    assert len(sent) == sum(len(methods) for methods in document["paths"].values())
    assert server_errors == [], "\n\n".join(server_errors)

