"""The dashboard asks the services three times when they serve their aggregated answers (matching's overview,
profiles' partners, the enrollments), and piece by piece when they do not yet: the same page either way.

The services are played by an HTTP transport answering as the spec says (their routes are not all on main yet)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from uuid import uuid4

import httpx
import pytest
from plumbing.auth import SigningKeys
from web.adapters.service_tokens import ServiceTokens
from web.adapters.services import ServiceClients, Who
from web.entrypoints.mentorship import dashboard

KEYS = SigningKeys.generate()
ME, MENTOR, MENTEE = str(uuid4()), str(uuid4()), str(uuid4())
PROGRAM, OTHER = str(uuid4()), str(uuid4())
MY_PAIRING = {"id": str(uuid4()), "program_id": PROGRAM, "mentee_id": ME, "mentor_id": MENTOR,
              "pairing_kind": "one_to_one", "status": "active", "score": 70, "reasons": ["shared_specialty"],
              "term_ends_at": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
              "last_met_at": (datetime.now(UTC) - timedelta(days=3)).isoformat()}
I_MENTOR = {**MY_PAIRING, "id": str(uuid4()), "program_id": OTHER, "mentee_id": MENTEE, "mentor_id": ME,
            "status": "proposed"}
ENROLLMENTS = [
    {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "pairing_kind": "one_to_one", "active": True},
    {"id": str(uuid4()), "program_id": PROGRAM, "role": "mentee", "pairing_kind": "group", "active": True},
    {"id": str(uuid4()), "program_id": OTHER, "role": "mentor", "pairing_kind": "one_to_one", "active": True,
     "capacity": 3, "approval": "approved", "paused": True},
]
PROGRAMS = [{"id": p, "name": n, "term_months": 6, "cadence_max_days": 60} for p, n in ((PROGRAM, "A"), (OTHER, "B"))]
WAITING = {"program_id": PROGRAM, "enrollment_id": ENROLLMENTS[1]["id"], "pairing_kind": "group", "position": 4,
           "waiting_since": "2026-01-02T00:00:00+00:00"}


def partner(person_id: str) -> dict:
    return {"id": person_id, "display_name": f"Person {person_id[:4]}", "pronouns": None, "bio": None, "identity": {}}


def services(aggregated: bool):
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        asked.append(f"{request.method} {path}")
        if path.endswith(("/overview", "/partners")):
            if not aggregated:
                return httpx.Response(404, json={"error": {"code": "http_error", "message": "Not Found"}})
            if path.endswith("/overview"):
                pairings = [MY_PAIRING, {**I_MENTOR, "mentee_accepted": True, "mentor_accepted": False}]
                return httpx.Response(200, json={"pairings": pairings, "waiting": [WAITING]})
            return httpx.Response(200, json=[partner(MENTOR), partner(MENTEE)])
        if path.endswith("/enrollments"):
            return httpx.Response(200, json=ENROLLMENTS)
        if path == "/v1/programs":
            return httpx.Response(200, json=PROGRAMS)
        if path.endswith(f"/people/{ME}/pairings"):
            return httpx.Response(200, json=[MY_PAIRING, I_MENTOR])
        if path.endswith("/as-partner"):
            return httpx.Response(200, json=partner(path.split("/")[3]))
        if path.endswith(f"/pairings/{I_MENTOR['id']}"):
            return httpx.Response(200, json={**I_MENTOR, "mentee_accepted": True, "mentor_accepted": False})
        if "/waitlist/" in path:
            if request.url.params["pairing_kind"] == "group":
                return httpx.Response(200, json=WAITING)
            return httpx.Response(404, json={"error": {"code": "not_found"}})
        return httpx.Response(500, json={"error": {"code": "unexpected", "message": path}})

    api = ServiceClients({s: f"http://{s}" for s in ("profiles", "matching", "events", "notifications")},
                         ServiceTokens(KEYS.private_pem, 60), 5)
    api._http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    state = SimpleNamespace(clients=api)
    visitor = SimpleNamespace(request=SimpleNamespace(app=SimpleNamespace(state=state)), who=Who(uuid4()),
                              person_id=ME)
    return api, visitor, asked


def summary(page: dict) -> dict:
    return {"pairings": [(v["id"], v["role"], v["partner"]["display_name"], v["needs_answer"]) for v in page["pairings"]],
            "waiting": [(w["program"]["name"], w["place"]["position"] if w["place"] else None)
                        for w in page["waitlists"]],
            "mentoring": [(e["program"]["name"], e["taken"], e["capacity"], e["paused"]) for e in page["mentoring"]],
            "actions": [a["id"] for a in page["actions"]]}


@pytest.mark.parametrize("aggregated", [True, False])
async def test_the_dashboard_shows_the_same_whether_the_services_aggregate_or_not(aggregated):
    api, visitor, _ = services(aggregated)
    page = summary(await dashboard(visitor))
    assert page == {
        "pairings": [(MY_PAIRING["id"], "mentee", f"Person {MENTOR[:4]}", False),
                     (I_MENTOR["id"], "mentor", f"Person {MENTEE[:4]}", True)],
        "waiting": [("A", 4)],
        "mentoring": [("B", 1, 3, True)],
        "actions": [I_MENTOR["id"]],
    }


async def test_with_aggregated_answers_a_dashboard_takes_three_calls_programs_kept_aside():
    api, visitor, asked = services(True)
    await dashboard(visitor)  # the first also reads the programs, kept a minute
    before = api.calls
    await dashboard(visitor)
    assert api.calls - before == 3, asked[-3:]


async def test_a_service_without_the_aggregated_route_is_asked_piece_by_piece_and_not_asked_again_soon():
    api, visitor, asked = services(False)
    await dashboard(visitor)
    asked.clear()
    await dashboard(visitor)
    assert not any(a.endswith(("/overview", "/partners")) for a in asked)
