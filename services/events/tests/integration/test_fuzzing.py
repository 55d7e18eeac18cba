"""Schemathesis against the events service's own OpenAPI document, on the real database and broker: every operation,
with input that fits the document and input that does not, as a national administrator. No answer is a 5xx.

The run has a database of its own (the `events_api` fixture), and the ids it sends are random or those of the records
it made itself here, so it changes nothing it did not create. Bounded: a fixed number of examples per operation,
derandomised, so that a run takes about as long each time, and a failure can be replayed.
"""

import asyncio
import time
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from mentorship_contracts.profiles import PersonRegistered
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.testing import eventually
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup

EXAMPLES_PER_OPERATION_AND_MODE = 40


async def records_of_its_own(events_api, publish) -> dict[str, list[str]]:
    """A published event, a draft and an open slot, whose ids the run may use besides random ones."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    host = uuid4()
    await publish(PersonRegistered(person_id=host, chapter_id=None, stage=TrainingStage.ATTENDING))
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

        slot = await eventually(offered, what="the host's profile to reach the events service")
    return {"event_id": [published["id"], draft["id"]], "slot_id": [slot["id"]], "person_id": [str(host)]}


def without_control_characters(value):
    if isinstance(value, str):
        return "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp"))
    if isinstance(value, list):
        return [without_control_characters(v) for v in value]
    if isinstance(value, dict):
        return {k: without_control_characters(v) for k, v in value.items()}
    return value


def made_plausible(case, host: str, clean_text: bool) -> None:
    """Times, a zone and a host the domain accepts (and text without control characters), so that the rest of a
    generated body (titles, descriptions, exhibitors, capacities, audiences...) gets past those rules, which the
    document does not state, and reaches the database."""
    if not isinstance(case.body, dict):
        return
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    plausible = {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
                 "registration_deadline": (starts - timedelta(days=1)).isoformat(), "timezone": "America/Chicago",
                 "host_id": host}
    if clean_text:
        case.body.update({name: without_control_characters(value) for name, value in case.body.items()})
    case.body.update({name: value for name, value in plausible.items() if name in case.body})


def fuzz(document: dict, base_url: str, authorization: str, own: dict[str, list[str]]) -> tuple[Counter, list[str]]:
    """Every operation, positive and negative examples; the requests sent per operation, and the server errors."""
    sent: Counter = Counter()
    server_errors: list[str] = []

    def send(case, plausible: str) -> None:
        if plausible != "as generated":
            made_plausible(case, own["person_id"][0], clean_text=plausible.endswith("clean text"))
        response = case.call(base_url=base_url, headers={"Authorization": authorization}, timeout=60)
        sent[case.operation.label] += 1
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (Failure, FailureGroup) as failure:  # collected: every operation that fails is reported
            server_errors.append(f"{case.operation.label} -> {response.status_code}: {failure}\n"
                                 f"{case.as_curl_command(headers={'Authorization': '…'})}")

    for result in schemathesis.openapi.from_dict(document).get_all_operations():
        operation = result.ok()
        # Path ids: a random one (as generated), or one of the records this run made.
        chosen = st.fixed_dictionaries({p.name: st.sampled_from(own[p.name])
                                        for p in operation.path_parameters if p.name in own})
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            cases = st.one_of(operation.as_strategy(mode),
                              chosen.flatmap(lambda ids, m=mode, o=operation: o.as_strategy(m, path_parameters=ids)))
            run = settings(max_examples=EXAMPLES_PER_OPERATION_AND_MODE, derandomize=True, database=None,
                           deadline=None, phases=[Phase.explicit, Phase.generate],
                           suppress_health_check=list(HealthCheck))(
                given(case=cases, plausible=st.sampled_from(["as generated", "plausible", "plausible, clean text"]))(
                    send))
            try:
                run()
            except Unsatisfiable:
                if mode == GenerationMode.POSITIVE:
                    raise
                # Nothing this operation takes can be invalid (a string without bounds): no negative examples.
    return sent, server_errors


# Schemathesis's own strategies draw from `random`, which Hypothesis warns of under `derandomize`.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
async def test_no_input_makes_the_events_api_answer_a_server_error(events_api, publish):
    own = await records_of_its_own(events_api, publish)
    async with events_api.client() as admin:  # the integration tests' own token, whatever signs it
        authorization = admin.headers["Authorization"]
    started = time.monotonic()

    sent, server_errors = await asyncio.to_thread(fuzz, events_api.app.openapi(), events_api.url, authorization, own)

    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(sent)} operations, {sum(sent.values())} requests in {elapsed:.0f} s, "
          f"{len(server_errors)} server errors")
    assert len(sent) == sum(len(methods) for methods in events_api.app.openapi()["paths"].values())
    assert server_errors == []
