"""Every link a page shows leads somewhere, on the whole platform: a mentee who is proposed a mentor, waits in
another program and is registered for an event, their mentor, the chapter's coordinator and an administrator each
follow every link of the site they are shown (the mentee and the coordinator read Spanish), as does someone not
signed in, and none answers an error. The pages ask the services themselves, so a page whose service does not
answer what the web app expects fails here (as the console's audit page did); and a page no link leads to is
missed by the people it is for (as "Your registrations" was)."""

from __future__ import annotations

import re
from collections import Counter
from uuid import uuid4

from plumbing.testing import eventually

from .test_security import Visitor, link_for

LINK = re.compile(r'href="(/[^"#]*)')
UUID_LIKE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Each kind of page (its path with ids as one shape) is followed this many times at most: enough to reach every
# page of a kind that differs by its state, few enough for a large roster to stay quick.
PER_SHAPE = 3
# Files and feeds are links too, but not pages whose links to follow.
NOT_PAGES = re.compile(r"\.(css|js|ics|csv|svg|png|ico)(\?|$)")


def shape(path: str) -> str:
    return UUID_LIKE.sub("{id}", path.split("?")[0])


async def signed_in(platform, email: str) -> Visitor:
    visitor = Visitor(platform.web)
    path = await link_for(platform, visitor, email)
    assert (await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})).status_code == 303
    return visitor


async def crawl(visitor: Visitor, *starts: str) -> tuple[dict[str, int], set[str]]:
    """Every page reachable from `starts` by the links shown: the ones that answered an error, and the shapes of
    those seen."""
    seen, shapes, queue, errors = set(), Counter(), list(starts), {}
    while queue:
        path = queue.pop(0)
        if path in seen or shapes[shape(path)] >= PER_SHAPE or path.startswith(("/sign-out", "/static/")):
            continue
        seen.add(path)
        shapes[shape(path)] += 1
        answer = await visitor.request("GET", path)
        if answer.status_code >= 400:
            errors[path] = answer.status_code
            continue
        if NOT_PAGES.search(path) or "text/html" not in answer.headers.get("content-type", ""):
            continue
        queue += [link.replace("&amp;", "&") for link in LINK.findall(answer.text)]
    return errors, {shape(path) for path in seen}


async def test_no_link_any_person_is_shown_leads_to_an_error(platform):
    world, run = platform.world, uuid4().hex[:8]
    async with platform.client("profiles") as profiles:
        mentee = (await profiles.post("/v1/people", json={
            "display_name": f"Maya Student {run}", "email": f"maya.{run}@example.org", "stage": "undergraduate",
            "chapter_id": world["chapter"]["id"], "timezone": "America/Chicago", "preferred_language": "es",
            "specialties": ["emergency_medicine"]})).json()
        coordinator = (await profiles.post("/v1/people", json={
            "display_name": f"Carla Coordinator {run}", "email": f"carla.{run}@example.org", "stage": "attending",
            "chapter_id": world["chapter"]["id"], "preferred_language": "es"})).json()
        admin = (await profiles.post("/v1/people", json={
            "display_name": f"Ada Administrator {run}", "email": f"ada.{run}@example.org", "stage": "attending"})).json()
        for granted in (await profiles.put(f"/v1/people/{coordinator['id']}/roles/coordinator/{world['chapter']['id']}"),
                        await profiles.put(f"/v1/people/{admin['id']}/roles/administrator")):
            assert granted.status_code == 204, granted.text
        # The chapter's own program, paired in rounds: the coordinator's console has a program to show.
        chapter_program = (await profiles.post("/v1/programs", json={
            "name": f"Near peers {run}", "chapter_id": world["chapter"]["id"], "mentee_stages": ["undergraduate"],
            "mentor_stages": ["resident"], "pairing_mode": "rounds"})).json()
        for person, program in ((mentee, world["program"]), (mentee, chapter_program)):
            enrolled = await profiles.post("/v1/enrollments", json={
                "person_id": person["id"], "program_id": program["id"], "role": "mentee"})
            assert enrolled.status_code == 201, enrolled.text
    async with platform.client("events") as events:
        async def registered() -> bool:  # once events has heard of her stage (the event is for some stages)
            answer = await events.post(f"/v1/events/{world['event']['id']}/registrations",
                                       json={"person_id": mentee["id"]})
            assert answer.status_code in (200, 201, 409), answer.text
            return answer.status_code != 409 or answer.json()["error"]["code"] != "stage_not_yet_known"
        await eventually(registered, timeout=60, interval=0.3, what="the mentee registered for the event")
    async with platform.client("matching") as matching:
        async def proposed_and_waiting():
            found = await matching.get(f"/v1/people/{mentee['id']}/overview")
            return found.status_code == 200 and found.json()["pairings"] and found.json()["waiting"]
        await eventually(proposed_and_waiting, timeout=60,
                         what="the mentee proposed to the world's mentor, and waiting in the chapter's program")

    problems, visited = {}, {}
    # Where each begins. Only the first few pages of a kind are followed, and other tests' programs are listed too:
    # the mentee begins at their chapter's program as well.
    starts = {"mentee": ("/", f"/programs/{chapter_program['id']}"), "mentor": ("/",), "coordinator": ("/console",),
              "administrator": ("/console",)}
    for who, email in (("mentee", mentee["email"]), ("mentor", world["mentor_email"]),
                       ("coordinator", coordinator["email"]), ("administrator", admin["email"])):
        visitor = await signed_in(platform, email)
        try:
            errors, visited[who] = await crawl(visitor, *starts[who])
            problems |= {f"{who} {path}": status for path, status in errors.items()}
        finally:
            await visitor.aclose()
    # And someone not signed in: the pages anyone may read, and the sign-in page where a link needs it.
    stranger = Visitor(platform.web)
    try:
        errors, visited["stranger"] = await crawl(stranger, "/")
        problems |= {f"stranger {path}": status for path, status in errors.items()}
    finally:
        await stranger.aclose()
    assert problems == {}
    assert {"/", "/events", "/events/{id}", "/sign-in"} <= visited["stranger"], visited["stranger"]
    assert {"/mentorships/{id}", "/waitlists/{id}", "/registrations", "/events/{id}"} <= visited["mentee"]
    assert {"/console/programs/{id}/rounds", "/console/people/{id}", "/console/emails"} <= visited["coordinator"]
    assert {"/console/audit", "/console/chapters"} <= visited["administrator"]
