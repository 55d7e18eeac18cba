"""A conference and its sessions in the console, as events now ties them: cancelling a conference cancels its sessions
still to come (the question says which, and who in them is emailed); a session is published once its conference is;
a conference is not moved so that a session falls outside it; the conference's page says each session's seats. And a
coordinator whose role was taken back while a page was open is told so, not that the page is not there."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from .fakes import CSRF, as_


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def a_conference(world: dict, state: str = "published") -> dict:
    """A conference of the coordinator's chapter, 1 December 2099, 9:00 to 17:00 in Chicago."""
    conference = world["s"].event("Regional conference", state=state)
    conference |= {"kind": "conference", "starts_at": "2099-12-01T15:00:00+00:00",
                   "ends_at": "2099-12-01T23:00:00+00:00", "registration_deadline": "2099-11-30T15:00:00+00:00"}
    return conference


def a_session(world: dict, conference: dict, title: str, hour: int, state: str = "published",
              capacity: int = 2) -> dict:
    """A session of the conference from `hour` (UTC) for an hour."""
    session = world["s"].event(title, state=state)
    starts = datetime(2099, 12, 1, hour, tzinfo=UTC)
    session |= {"kind": "conference_session", "parent_event_id": conference["id"], "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": capacity,
                "registration_deadline": "2099-11-30T15:00:00+00:00"}
    return session


def registered(world: dict, event: dict, *statuses: str) -> None:
    world["s"].roster[event["id"]] = [
        {"id": f"r{i}", "person_id": world[who]["id"], "status": status,
         "waitlist_position": 1 if status == "waitlisted" else None, "checked_in_at": None}
        for i, (who, status) in enumerate(zip(("mentee", "mentor", "waiting"), statuses, strict=False))]


# --- cancelling a conference: its sessions still to come are cancelled with it -----------------------------------

async def test_cancelling_a_conference_first_lists_the_sessions_cancelled_with_it_and_how_many_in_them_are_emailed(
        world):
    conference = a_conference(world)
    keynote = a_session(world, conference, "Keynote", 15)
    panel = a_session(world, conference, "Residents' panel", 17)
    a_session(world, conference, "Still a draft", 19, state="draft")
    held = a_session(world, conference, "Held already", 16)
    held |= {"starts_at": "2020-01-01T15:00:00+00:00", "ends_at": "2020-01-01T16:00:00+00:00"}
    registered(world, keynote, "confirmed", "confirmed", "waitlisted")
    registered(world, panel, "confirmed")
    async with as_(world, "coordinator")[0] as page:
        asked = await page.get(f"/console/events/{conference['id']}/cancel")
    shown = text_of(asked.text)
    assert asked.status_code == 200
    assert "Its 2 sessions still to come are cancelled with it, each as if cancelled on its own:" in shown
    assert "Keynote · " in shown and "Residents' panel · " in shown
    assert "3 registered" in shown and "1 registered" in shown
    assert "Still a draft" not in shown and "Held already" not in shown
    # Ben has a seat in both: one person, emailed of each session.
    assert "3 people registered for them are emailed that their session is cancelled." in shown
    assert f'href="/console/events/{keynote["id"]}"' in asked.text


async def test_cancelling_an_event_that_is_no_conference_lists_no_sessions(world):
    async with as_(world, "coordinator")[0] as page:
        shown = text_of((await page.get(f"/console/events/{world['event']['id']}/cancel")).text)
    assert "sessions" not in shown
    assert not world["s"].calls_to("events", "GET", "/v1/events")


# --- a session is published once its conference is -----------------------------------------------------------------

async def test_publishing_a_session_of_a_draft_conference_is_refused_next_to_the_publish_button(world):
    s = world["s"]
    conference = a_conference(world, state="draft")
    session = a_session(world, conference, "Keynote", 15, state="draft")
    s.refuse[("POST", f"/v1/events/{session['id']}/publish")] = (
        409, "conference_not_published", "parent_event_id",
        "this session's conference is a draft: publish the conference first")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{session['id']}/publish", data={"csrf": CSRF})
    assert refused.status_code == 422
    near_button = re.search(r'<p class="field-error" id="publish-error">(.*?)</p>\s*<form method="post" '
                            rf'action="/console/events/{session["id"]}/publish">.*?aria-describedby="publish-error"',
                            refused.text, re.S)
    assert near_button, refused.text
    assert text_of(near_button[1]).startswith("Publish the conference first: its sessions are shown with it.")
    assert f'href="/console/events/{conference["id"]}"' in near_button[1]


async def test_publishing_a_session_of_a_draft_conference_is_refused_in_spanish_too(world):
    s = world["s"]
    conference = a_conference(world, state="draft")
    session = a_session(world, conference, "Keynote", 15, state="draft")
    s.refuse[("POST", f"/v1/events/{session['id']}/publish")] = (409, "conference_not_published", "parent_event_id")
    async with as_(world, "coordinator", "es")[0] as page:
        refused = await page.post(f"/console/events/{session['id']}/publish", data={"csrf": CSRF})
    assert "Publica primero el congreso: sus sesiones se muestran con él." in text_of(refused.text)


# --- a conference is not moved so that a session falls outside it ----------------------------------------------

def conference_edit(conference: dict, **changes: str) -> dict:
    return {"csrf": CSRF, "title": conference["title"], "description": "", "timezone": "America/Chicago",
            "starts_at": "2099-12-01T09:00", "ends_at": "2099-12-01T17:00", "registration_deadline": "2099-11-30T09:00",
            "capacity": "2", "location": "Room 1", **changes}


async def test_moving_a_conference_so_that_sessions_fall_outside_it_is_said_next_to_its_end_naming_them(world):
    s = world["s"]
    conference = a_conference(world)
    a_session(world, conference, "Keynote", 15)
    a_session(world, conference, "Closing panel", 21)
    a_session(world, conference, "Evening mixer", 22)
    s.refuse[("PATCH", f"/v1/events/{conference['id']}")] = (
        422, "sessions_outside_conference", "ends_at",
        'these sessions would take place outside the conference\'s new times: "Closing panel", "Evening mixer". Move '
        'them within the new times first (widening the conference for a while if need be), or cancel them')
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{conference['id']}/edit",
                                  data=conference_edit(conference, ends_at="2099-12-01T14:00"))
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html.unescape(refused.text)))
    assert refused.status_code == 422
    assert said == {"ends_at": "These sessions would fall outside the conference: «Closing panel», «Evening mixer». "
                               "Move them within its new times first, or cancel them."}


async def test_a_conference_moved_so_that_sessions_fall_outside_it_names_them_in_spanish_too(world):
    s = world["s"]
    conference = a_conference(world)
    a_session(world, conference, "Keynote", 15)
    s.refuse[("PATCH", f"/v1/events/{conference['id']}")] = (
        422, "sessions_outside_conference", "starts_at",
        'these sessions would take place outside the conference\'s new times: "Keynote". Move them first')
    async with as_(world, "coordinator", "es")[0] as page:
        refused = await page.post(f"/console/events/{conference['id']}/edit",
                                  data=conference_edit(conference, starts_at="2099-12-01T10:00"))
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html.unescape(refused.text)))
    assert said == {"starts_at": "Estas sesiones quedarían fuera del congreso: «Keynote». Muévelas primero dentro "
                                 "de sus nuevas horas, o cancélalas."}


# --- the conference's page: each session's seats -----------------------------------------------------------------

async def test_a_conferences_page_says_of_each_session_how_many_seats_are_taken_and_how_many_wait(world):
    conference = a_conference(world)
    keynote = a_session(world, conference, "Keynote", 15, capacity=2)
    panel = a_session(world, conference, "Residents' panel", 17, capacity=40)
    registered(world, keynote, "confirmed", "confirmed", "waitlisted")
    registered(world, panel, "confirmed")
    async with as_(world, "coordinator")[0] as page:
        shown = await page.get(f"/console/events/{conference['id']}")
    listed = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", shown.text.split("<h2>Sessions</h2>")[1], re.S)]
    assert any(item.startswith("Keynote") and "2 of 2 seats taken · 1 waiting" in item for item in listed), listed
    assert any(item.startswith("Residents' panel") and "1 of 40 seats taken · 0 waiting" in item
               for item in listed), listed


# --- a role taken back while a console page was open --------------------------------------------------------------

async def test_a_coordinator_whose_role_was_taken_back_pressing_a_button_is_told_so_with_a_link_home(world):
    s = world["s"]
    event = world["event"]
    s.roles[world["coordinator"]["id"]] = {"administrator": False, "coordinator_of": []}
    async with as_(world, "coordinator")[0] as page:
        pressed = await page.post(f"/console/events/{event['id']}/close-registration", data={"csrf": CSRF})
        opened = await page.get(f"/console/events/{event['id']}")
    assert pressed.status_code == 403
    assert "You are no longer a coordinator or an administrator" in text_of(pressed.text)
    assert '<a href="/">' in pressed.text and "This page is not here" not in pressed.text
    assert not s.calls_to("events"), "nothing is asked of events"
    # A page merely opened says nothing of a role: someone who never had one finds no console.
    assert opened.status_code == 404 and "This page is not here" in opened.text


async def test_a_coordinator_no_longer_of_the_events_chapter_pressing_a_button_is_told_so(world):
    s = world["s"]
    event = world["event"]
    s.roles[world["coordinator"]["id"]] = {"administrator": False, "coordinator_of": [s.other_chapter]}
    async with as_(world, "coordinator")[0] as page:
        pressed = await page.post(f"/console/events/{event['id']}/close-registration", data={"csrf": CSRF})
    assert pressed.status_code == 403
    assert "You are no longer a coordinator of this chapter" in text_of(pressed.text)
    assert '<a href="/console">' in pressed.text and "This page is not here" not in pressed.text
    assert not s.calls_to("events", "PATCH")
