"""The dashboard asks the services three times (matching's overview, profiles' partners, the enrollments; programs
are kept a few seconds, read again beside the page, and at once when one is missing) and nothing more: whether each
side accepted a proposed pairing is in the overview's entries.

The services are played by an HTTP transport answering as their APIs do; any other call is answered with a failure."""

from __future__ import annotations

import contextvars
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import httpx
import pytest
import web
from plumbing.auth import SigningKeys
from plumbing.testing import eventually
from web.adapters.rendering import Renderer
from web.adapters.service_tokens import ServiceTokens
from web.adapters.services import HttpxHttp, ServiceClients, Who
from web.entrypoints import labels
from web.entrypoints.mentorship import dashboard

KEYS = SigningKeys.generate()
ME, MENTOR, MENTEE = str(uuid4()), str(uuid4()), str(uuid4())
PROGRAM, OTHER = str(uuid4()), str(uuid4())
MY_PAIRING = {"id": str(uuid4()), "program_id": PROGRAM, "mentee_id": ME, "mentor_id": MENTOR,
              "pairing_kind": "one_to_one", "status": "active", "score": 70, "reasons": ["shared_specialty"],
              "term_ends_at": (datetime.now(UTC) + timedelta(days=90)).isoformat(),
              "last_met_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
              "mentee_accepted": True, "mentor_accepted": True}
I_MENTOR = {**MY_PAIRING, "id": str(uuid4()), "program_id": OTHER, "mentee_id": MENTEE, "mentor_id": ME,
            "status": "proposed", "mentee_accepted": True, "mentor_accepted": False}
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


PAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("page", default=None)
BY_PAGE: list[tuple[str | None, str]] = []  # (the page that asked, or None for work beside the pages; the path)


def services():
    asked: list[str] = []
    BY_PAGE.clear()

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        asked.append(f"{request.method} {path}")
        BY_PAGE.append((PAGE.get(), path))
        if path == f"/v1/people/{ME}/overview":
            return httpx.Response(200, json={"pairings": [MY_PAIRING, I_MENTOR], "waiting": [WAITING]})
        if path == f"/v1/people/{ME}/partners":
            return httpx.Response(200, json=[partner(MENTOR), partner(MENTEE)])
        if path == f"/v1/people/{ME}/enrollments":
            return httpx.Response(200, json=ENROLLMENTS)
        if path == "/v1/programs":
            return httpx.Response(200, json=PROGRAMS)
        if path == f"/v1/pairings/{I_MENTOR['id']}/mentee-hopes":
            return httpx.Response(200, json={"goals": "Help with my personal statement"})
        return httpx.Response(500, json={"error": {"code": "unexpected", "message": path}})

    api = ServiceClients({s: f"http://{s}" for s in ("profiles", "matching", "events", "notifications")},
                         ServiceTokens(KEYS.private_pem, 60), 5)
    api._http = HttpxHttp(httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    state = SimpleNamespace(clients=api)
    visitor = SimpleNamespace(request=SimpleNamespace(app=SimpleNamespace(state=state)), who=Who(uuid4()),
                              person_id=ME, session=SimpleNamespace(stage="medical_student_3", is_alumni=False),
                              timezone="America/Chicago")
    return api, visitor, asked


def summary(page: dict) -> dict:
    return {"pairings": [(v["id"], v["role"], v["partner"]["display_name"], v["needs_answer"]) for v in page["pairings"]],
            "waiting": [(w["program"]["name"], w["place"]["position"] if w["place"] else None)
                        for w in page["waitlists"]],
            "mentoring": [(e["program"]["name"], e["taken"], e["capacity"], e["paused"]) for e in page["mentoring"]],
            "actions": [a["id"] for a in page["actions"]]}


async def test_the_dashboard_shows_each_pairing_with_its_partner_what_awaits_an_answer_and_the_waitlist_places():
    _, visitor, _ = services()
    page = summary(await dashboard(visitor))
    assert page == {
        "pairings": [(MY_PAIRING["id"], "mentee", f"Person {MENTOR[:4]}", False),
                     (I_MENTOR["id"], "mentor", f"Person {MENTEE[:4]}", True)],
        "waiting": [("A", 4)],
        "mentoring": [("B", 1, 3, True)],
        "actions": [I_MENTOR["id"]],
    }


async def test_a_dashboard_takes_three_service_calls_and_one_per_mentee_awaiting_the_mentors_answer():
    api, visitor, asked = services()
    await dashboard(visitor)  # the first also reads the programs, kept a few seconds
    asked.clear()
    before = api.calls
    page = await dashboard(visitor)
    assert api.calls - before == 4
    assert sorted(asked) == sorted([*(f"GET /v1/people/{ME}/{what}" for what in ("overview", "partners", "enrollments")),
                                    f"GET /v1/pairings/{I_MENTOR['id']}/mentee-hopes"])
    [asking] = [v for v in page["pairings"] if v["id"] == I_MENTOR["id"]]
    assert asking["mentee_hopes"] == "Help with my personal statement"


async def test_a_program_made_after_the_programs_were_kept_is_named_on_the_dashboard_at_once():
    api, visitor, asked = services()
    PROGRAMS.remove(next(p for p in PROGRAMS if p["id"] == OTHER))  # the kept list predates program B
    try:
        await api.programs(visitor.who)
    finally:
        PROGRAMS.append({"id": OTHER, "name": "B", "term_months": 6, "cadence_max_days": 60})
    page = summary(await dashboard(visitor))
    assert page["mentoring"] == [("B", 1, 3, True)]


async def test_a_persons_events_are_asked_in_one_call_their_chapters_with_the_national_ones_not_over():
    asked: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(200, json=[{"id": "e1", "starts_at": "2026-12-20T18:00:00+00:00"}])

    api = ServiceClients({s: f"http://{s}" for s in ("profiles", "matching", "events", "notifications")},
                         ServiceTokens(KEYS.private_pem, 60), 5)
    api._http = HttpxHttp(httpx.AsyncClient(transport=httpx.MockTransport(answer)))
    chapter = uuid4()
    assert await api.events_for(Who(uuid4(), (chapter,)), "undergraduate", chapter) == [
        {"id": "e1", "starts_at": "2026-12-20T18:00:00+00:00"}]
    [params] = [dict(r.url.params) for r in asked if r.url.path == "/v1/events"]
    not_over = datetime.fromisoformat(params.pop("ends_after"))
    assert abs(not_over - datetime.now(UTC)) < timedelta(minutes=1)
    assert params == {"chapter_id": str(chapter), "with_national": "true", "audience": "undergraduate"}
    asked.clear()
    await api.events_for(Who(uuid4()), None, None)  # no chapter: the national ones
    assert [set(r.url.params) for r in asked] == [{"national", "ends_after"}]


async def test_a_dashboard_after_the_programs_expired_answers_with_those_kept_and_reads_them_beside_the_page():
    api, visitor, _ = services()
    await dashboard(visitor)
    assert api._programs is not None
    api._programs = (time.monotonic() - 60, api._programs[1])
    PAGE.set("dashboard")
    BY_PAGE.clear()
    page = summary(await dashboard(visitor))
    assert page["mentoring"] == [("B", 1, 3, True)]
    assert sorted(path for who, path in BY_PAGE if who == "dashboard") == sorted(
        [*(f"/v1/people/{ME}/{what}" for what in ("enrollments", "overview", "partners")),
         f"/v1/pairings/{I_MENTOR['id']}/mentee-hopes"])
    await eventually(lambda: (None, "/v1/programs") in BY_PAGE, timeout=5, interval=0.001,
                     what="the programs read again beside the page")


async def test_a_proposal_whose_partner_is_not_named_yet_is_called_by_its_program_under_needs_your_attention():
    _, visitor, _ = services()
    page = await dashboard(visitor)
    renderer = Renderer(Path(web.__file__).parent / "templates", Path(web.__file__).parent / "translations")
    for action in page["actions"]:
        action["partner"] = None  # names are shown once both have accepted
    base = {"csrf": "x", "session": None, "tz": "UTC", "path": "/", "labels": labels, "signed_in": True,
            "htmx": False, "oidc_name": None}
    english = renderer.render("en", "dashboard.html", {**page, **base, "lang": "en"})
    spanish = renderer.render("es", "dashboard.html", {**page, **base, "lang": "es"})
    assert "Answer the proposed mentorship in B" in english and "mentorship with <" not in english
    assert "Responde a la mentoría propuesta en B" in spanish


async def test_a_partners_answer_about_who_they_are_reads_in_the_readers_language_when_the_pages_suggest_it():
    _, visitor, _ = services()
    page = await dashboard(visitor)
    mentoring = next(v for v in page["pairings"] if v["role"] == "mentor")
    mentoring["partner"] = {**partner(str(uuid4())), "identity": {"first_generation": "Sí",
                                                                  "race_ethnicity": "Afro-Caribbean",
                                                                  "gender_identity": "woman"}}
    renderer = Renderer(Path(web.__file__).parent / "templates", Path(web.__file__).parent / "translations",
                        labels.IDENTITY_SUGGESTIONS)
    base = {"csrf": "x", "session": None, "tz": "UTC", "path": "/", "labels": labels, "signed_in": True,
            "htmx": False, "oidc_name": None}
    # As on the mentorship's own page (`detail`): the home page does not show them at all (below).
    english = renderer.render("en", "dashboard.html", {**page, **base, "pairings": [mentoring], "lang": "en",
                                                       "detail": True})
    spanish = renderer.render("es", "dashboard.html", {**page, **base, "pairings": [mentoring], "lang": "es",
                                                       "detail": True})
    assert "First in my family to go to college: Yes" in english and "Sí" not in english
    assert "Afro-Caribbean" in english and "Afro-Caribbean" in spanish, "their own words stay theirs"
    assert "Gender identity: Woman" in english and "Mujer" in spanish


async def test_a_mentor_reads_why_they_were_paired_from_their_own_side():
    _, visitor, _ = services()
    page = await dashboard(visitor)
    mentoring = next(v for v in page["pairings"] if v["role"] == "mentor")
    mentoring["reasons"] = ["further_along", "support_offered", "specialty_overlap"]
    renderer = Renderer(Path(web.__file__).parent / "templates", Path(web.__file__).parent / "translations")
    base = {"csrf": "x", "session": None, "tz": "UTC", "path": "/", "labels": labels, "signed_in": True,
            "htmx": False, "oidc_name": None, "lang": "en"}
    html = renderer.render("en", "dashboard.html", {**page, **base, "pairings": [mentoring]})
    assert "you are further along the path" in html and "you offer the kind of support your mentee asked for" in html
    assert "your mentor" not in html and "you share an interest in the same specialty" in html


async def test_a_resident_or_an_alum_who_mentors_in_no_program_is_not_sent_to_offer_office_hours_events_would_refuse():
    # A stage or alumni standing is declared at sign-up, vetted by no one: events lets approved mentors alone host.
    _, visitor, _ = services()
    ENROLLMENTS[2]["active"] = False  # no program they mentor in
    try:
        visitor.session = SimpleNamespace(stage="resident", is_alumni=False)
        resident = await dashboard(visitor)
        visitor.session = SimpleNamespace(stage="physician_assistant", is_alumni=True)
        alum = await dashboard(visitor)
    finally:
        ENROLLMENTS[2]["active"] = True
    renderer = Renderer(Path(web.__file__).parent / "templates", Path(web.__file__).parent / "translations")
    base = {"csrf": "x", "session": None, "tz": "UTC", "path": "/", "labels": labels, "signed_in": True,
            "htmx": False, "oidc_name": None, "lang": "en"}
    assert not resident["hosting"] and not alum["hosting"]
    assert 'href="/my-office-hours"' not in renderer.render("en", "dashboard.html", {**resident, **base})


async def test_a_resident_approved_as_a_mentor_in_a_program_finds_the_office_hours_they_offer():
    _, visitor, _ = services()
    visitor.session = SimpleNamespace(stage="resident", is_alumni=False)
    assert (await dashboard(visitor))["hosting"]


@pytest.mark.parametrize("stage, is_alumni", [("undergraduate", False), ("physician_assistant", True)])
async def test_a_mentor_awaiting_approval_is_not_sent_to_offer_office_hours_events_would_refuse(stage, is_alumni):
    _, visitor, _ = services()
    visitor.session = SimpleNamespace(stage=stage, is_alumni=is_alumni)
    approved = await dashboard(visitor)
    ENROLLMENTS[2]["approval"] = "pending"
    try:
        waiting = await dashboard(visitor)
    finally:
        ENROLLMENTS[2]["approval"] = "approved"
    assert approved["hosting"] and not waiting["hosting"]


@pytest.mark.parametrize("language, said", [
    ("en", "Waiting for your coordinator's approval: nobody is proposed to you until then. We email you when they "
           "approve you."),
    ("es", "Esperando la aprobación de tu coordinación: hasta entonces no se te propone a nadie. Te escribimos cuando "
           "te aprueben.")])
async def test_a_mentor_waiting_for_approval_reads_that_nobody_is_proposed_until_then_and_that_an_email_will_say(
        language, said):
    _, visitor, _ = services()
    page = await dashboard(visitor)
    [mentoring] = page["mentoring"]
    mentoring.update(approval="pending", paused=False)
    renderer = Renderer(Path(web.__file__).parent / "templates", Path(web.__file__).parent / "translations")
    base = {"csrf": "x", "session": None, "tz": "UTC", "path": "/", "labels": labels, "signed_in": True,
            "htmx": False, "oidc_name": None, "lang": language}
    html = renderer.render(language, "dashboard.html", {**page, **base})
    assert said in " ".join(html.replace("&#39;", "'").split())


async def test_what_a_partner_shared_about_who_they_are_is_folded_away_on_their_page_and_not_on_the_home_page():
    # A mentor opens the home page on a ward's shared screen: someone not out shared it with them, not with the ward.
    _, visitor, _ = services()
    page = await dashboard(visitor)
    mentoring = next(v for v in page["pairings"] if v["role"] == "mentor")
    mentoring["partner"] = {**partner(str(uuid4())), "display_name": "Dee Q", "identity": {"sexual_orientation": "Pansexual"}}
    renderer = Renderer(Path(web.__file__).parent / "templates", Path(web.__file__).parent / "translations",
                        labels.IDENTITY_SUGGESTIONS)
    base = {"csrf": "x", "session": None, "tz": "UTC", "path": "/", "labels": labels, "signed_in": True,
            "htmx": False, "oidc_name": None, "lang": "en", "pairings": [mentoring]}
    home = renderer.render("en", "dashboard.html", {**page, **base})
    own_page = renderer.render("en", "dashboard.html", {**page, **base, "detail": True})

    assert "Pansexual" not in home and "Sexual orientation" not in home
    assert f'<a href="/mentorships/{mentoring["id"]}#shared">What Dee Q chose to share with you</a>' in home
    folded = re.search(r'<details id="shared">(.*?)</details>', own_page, re.S)[1]
    assert "<summary>What Dee Q chose to share with you</summary>" in folded
    assert "Sexual orientation: Pansexual" in folded and own_page.count("Pansexual") == 1


async def test_a_mentorship_in_a_program_just_left_is_not_shown_as_going_on_while_matching_ends_it(monkeypatch):
    # Leaving withdraws the enrollment at once; matching ends its mentorships a moment later, from the event.
    left = [{**e, "active": False} if e["role"] == "mentor" else e for e in ENROLLMENTS]
    monkeypatch.setattr(sys.modules[__name__], "ENROLLMENTS", left)
    _, visitor, _ = services()
    page = await dashboard(visitor)
    assert [v["id"] for v in page["pairings"]] == [MY_PAIRING["id"]]
    assert page["actions"] == [] and page["mentoring"] == []
