"""Schemathesis against the events service's own OpenAPI document, on the real database and broker: every operation,
with input that fits the document and input that does not, as a national administrator. No answer is a 5xx.

The run has a database of its own (the `events_api` fixture), and the ids it sends are random or those of the records
it made itself here, so it changes nothing it did not create (`plumbing.fuzzing`).
"""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.fuzzing import fuzz
from plumbing.testing import eventually

from .test_office_hours_over_http import approved_mentor


async def records_of_its_own(events_api, publish) -> dict[str, list[str]]:
    """A published event, a draft and an open slot, whose ids the run may use besides random ones."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    host = uuid4()
    await publish(*approved_mentor(host, TrainingStage.ATTENDING))
    async with events_api.client() as admin:
        def event(**overrides) -> dict:
            return {"kind": "virtual_session", "title": "Fuzzed session", "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": 3, "is_virtual": True,
                    "registration_deadline": (starts - timedelta(days=1)).isoformat(), **overrides}

        published = (await admin.post("/v1/events", json=event(virtual_link="https://meet.example/fuzz"))).json()
        await admin.post(f"/v1/events/{published['id']}/publish")
        draft = (await admin.post("/v1/events", json=event(title="Fuzzed draft"))).json()

        async def offered():
            answer = await admin.post("/v1/office-hours/slots", json={
                "host_id": str(host), "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=30)).isoformat()})
            return answer.json() if answer.status_code == 201 else None

        slot = await eventually(offered, what="the host's profile and approval to reach the events service")
    return {"event_id": [published["id"], draft["id"]], "slot_id": [slot["id"]], "person_id": [str(host)]}


def plausible(host: str):
    """Times, a zone and a host the domain accepts, so that the rest of a generated body (titles, descriptions,
    exhibitors, capacities, audiences...) gets past those rules, which the document does not state."""

    def make(body: dict) -> None:
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        known = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
                 "registration_deadline": (starts - timedelta(days=1)).isoformat(), "timezone": "America/Chicago",
                 "host_id": host}
        body.update({name: value for name, value in known.items() if name in body})

    return make


# Schemathesis's own strategies draw from `random`, which Hypothesis warns of under `derandomize`.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
async def test_no_input_makes_the_events_api_answer_a_server_error(events_api, publish):
    own = await records_of_its_own(events_api, publish)
    async with events_api.client() as admin:  # the integration tests' own token, whatever signs it
        authorization = admin.headers["Authorization"]
    started = time.monotonic()

    sent, server_errors = await asyncio.to_thread(fuzz, events_api.app.openapi(), events_api.url, authorization, own,
                                                  plausible(own["person_id"][0]))

    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(sent)} operations, {sum(sent.values())} requests in {elapsed:.0f} s, "
          f"{len(server_errors)} server errors")
    assert len(sent) == sum(len(methods) for methods in events_api.app.openapi()["paths"].values())
    assert server_errors == []
