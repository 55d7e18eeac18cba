"""Schemathesis against matching's own OpenAPI document, on the real database and broker: every operation, with
input that fits the document and input that does not, as a national administrator. No answer is a 5xx.

The run has a database of its own (the `matching` fixture), and the ids it sends are random or those of the records
it made itself here, so it changes nothing it did not create (`plumbing.fuzzing`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from uuid import uuid4

import httpx
import pytest
from plumbing.fuzzing import fuzz

from .conftest import client


async def records_of_its_own(matching: str, profiles, observer) -> dict[str, list[str]]:
    """A program with a pairing in it, its two people and a round, whose ids the run may use besides random ones."""
    program = await profiles.program(chapter_id=uuid4())
    mentor = await profiles.person(program, "mentor", capacity=3)
    mentee = await profiles.person(program, "mentee")
    pairing = (await observer.wait_for(program, "pairing_confirmed", mentee_id=mentee))[0]
    async with client(matching) as admin:
        round_id = (await admin.post(f"/v1/programs/{program}/rounds", json={})).json()["round_id"]
    return {"program_id": [str(program)], "pairing_id": [pairing["pairing_id"]], "person_id": [str(mentor),
                                                                                               str(mentee)],
            "round_id": [round_id]}


def plausible(mentee: str):
    """A meeting's day the domain accepts (today: the pairing began today), and the mentee who asks, so that the
    rest of a generated body gets past those rules, which the document does not state."""

    def make(body: dict) -> None:
        known = {"met_on": datetime.now(UTC).date().isoformat(), "mentee_id": mentee}
        body.update({name: value for name, value in known.items() if name in body})

    return make


# Schemathesis's own strategies draw from `random`, which Hypothesis warns of under `derandomize`.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
async def test_no_input_makes_the_matching_api_answer_a_server_error(matching, profiles, observer):
    own = await records_of_its_own(matching, profiles, observer)
    async with client(matching) as admin:  # the integration tests' own token, whatever signs it
        authorization = admin.headers["Authorization"]
    async with httpx.AsyncClient() as anonymous:
        document = (await anonymous.get(f"{matching}/openapi.json")).json()
    started = time.monotonic()

    sent, server_errors = await asyncio.to_thread(fuzz, document, matching, authorization, own,
                                                  plausible(own["person_id"][1]))

    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(sent)} operations, {sum(sent.values())} requests in {elapsed:.0f} s, "
          f"{len(server_errors)} server errors")
    assert len(sent) == sum(len(methods) for methods in document["paths"].values())
    assert server_errors == [], "\n\n".join(server_errors)


async def test_input_matching_cannot_hold_answers_a_client_error_naming_the_field(matching, profiles, observer):
    own = await records_of_its_own(matching, profiles, observer)
    mentor, mentee = own["person_id"]
    path = f"/v1/pairings/{own['pairing_id'][0]}"
    today = datetime.now(UTC).date().isoformat()
    async with client(matching, "participant", person_id=mentor) as as_mentor:
        for body, field in (({"met_on": "9999-01-01", "minutes": 30}, "met_on"),
                            ({"met_on": "0001-01-01", "minutes": 30}, "met_on"),
                            ({"met_on": today, "minutes": 30, "topics": ["MCAT\x00"]}, "topics.0"),
                            ({"met_on": today, "minutes": 30, "topics": ["line\nbreak"]}, "topics.0"),
                            ({"met_on": today, "minutes": 30, "topics": ["x" * 101]}, "topics.0"),
                            ({"met_on": today, "minutes": 10 ** 30}, "minutes")):
            answer = await as_mentor.post(f"{path}/meetings", json=body)
            assert (answer.status_code, answer.json()["error"]["field"]) == (422, field), (body, answer.text)
        malformed = await as_mentor.post(f"{path}/meetings", content=b'{"met_on": ',
                                         headers={"Content-Type": "application/json"})
        assert (malformed.status_code, malformed.json()["error"]["field"]) == (422, "body")
        huge = await as_mentor.post(f"{path}/meetings", json={"met_on": today, "minutes": 30,
                                                               "topics": ["x" * 2_000_000]})
        assert huge.status_code == 413
    async with client(matching, "participant", person_id=mentee) as as_mentee:
        review = await as_mentee.post(f"{path}/feedback", json={"rating": 5, "comment": "fine\x00"})
        assert (review.status_code, review.json()["error"]["field"]) == (422, "comment")
