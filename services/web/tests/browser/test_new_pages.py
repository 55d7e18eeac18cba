"""The pages added for issue 11's second part, in the browser: the programs catalogue (signed out and in), a
program's page, a mentor's own office hours (offer, add to calendar, withdraw), an event's calendar file, a mentee
choosing a mentor in a program where mentees choose, and since then one's details and leaving a program; axe on each, in English
and Spanish, and screenshots at 360 px and on a desktop (kept in WEB_SCREENSHOTS, default /tmp/web-screenshots, to look
at)."""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer
from devinfra.smtp_sink import addressed_to
from mentorship_contracts.matching import MenteeWaitlistedV3, StoppedAnswering
from plumbing.auth import Role
from plumbing.testing import eventually

from ..conftest import audit, sign_in

SHOTS = Path(os.environ.get("WEB_SCREENSHOTS", "/tmp/web-screenshots"))
SIZES = {"360": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}


async def _choice_program(platform) -> tuple[dict, str, dict]:
    """A national program where mentees choose, the world's mentor in it, and a new mentee enrolled: the program,
    the mentee's address, the mentee."""
    run = uuid4().hex[:8]
    email = f"chooser.{run}@example.org"
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Choose your mentor {run}", "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"],
            "pairing_mode": "mentee_choice"})).raise_for_status().json()
        mentee = (await profiles.post("/v1/people", json={
            "display_name": "Lía Torres", "email": email, "stage": "undergraduate", "timezone": "America/Chicago",
            "specialties": ["emergency_medicine"], "chapter_id": platform.world["chapter"]["id"]}))\
            .raise_for_status().json()
        for person, role in ((platform.world["mentor"], "mentor"), (mentee, "mentee")):
            (await profiles.post("/v1/enrollments", json={"person_id": person["id"], "role": role, "capacity": 2,
                                                          "program_id": program["id"]})).raise_for_status()
    async with platform.client("matching") as matching:
        async def suggested():
            answer = await matching.get(f"/v1/programs/{program['id']}/suggestions",
                                        params={"mentee_id": mentee["id"]})
            return answer.status_code == 200 and answer.json()
        await eventually(suggested, timeout=60, what="a suggestion for the mentee")
    return program, email, mentee


@pytest.fixture(scope="module")
async def choice(platform):
    return await _choice_program(platform)


async def _look(page, name: str, problems: dict, language: str) -> None:
    assert await page.get_attribute("html", "lang") == language
    found = await audit(page)
    if found:
        problems[f"{name} ({language})"] = found
    if language == "en":
        SHOTS.mkdir(parents=True, exist_ok=True)
        for size, viewport in SIZES.items():
            await page.set_viewport_size(viewport)
            await page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
        await page.set_viewport_size(SIZES["360"])


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_new_pages_pass_axe_signed_out_and_signed_in(platform, browser, choice, language):
    context = await browser.new_context(base_url=platform.web, viewport=SIZES["360"],
                                        locale="es-ES" if language == "es" else "en-US")
    context.set_default_timeout(15_000)
    problems: dict[str, list[str]] = {}
    program, chooser, _ = choice
    world_program = platform.world["program"]["id"]
    try:
        page = await context.new_page()
        for name, path in (("programs-signed-out", "/programs"),
                           ("programs-of-a-chapter", f"/programs?chapter={platform.world['chapter']['id']}"),
                           ("program-signed-out", f"/programs/{program['id']}"),
                           ("event-signed-out", f"/events/{platform.world['event']['id']}")):
            await page.goto(path)
            await _look(page, name, problems, language)
        async with platform.client("profiles") as profiles:
            [mentoring] = [e for e in (await profiles.get(
                f"/v1/people/{platform.world['mentor']['id']}/enrollments")).json() if e["program_id"] == world_program]
        await sign_in(page, platform, platform.world["mentor_email"])
        for name, path in (("dashboard-mentor", "/"), ("my-office-hours", "/my-office-hours"),
                           ("programs-signed-in", "/programs"), ("program-mentor", f"/programs/{world_program}"),
                           ("profile", "/profile"), ("leave-mentor", f"/enrollments/{mentoring['id']}/leave")):
            await page.goto(path)
            await _look(page, name, problems, language)
        await page.goto("/my-office-hours")
        await page.locator("form[action='/my-office-hours'] button[type=submit]").click()  # nothing filled in
        await page.locator("#day-error").wait_for()  # each mistake next to its field
        await _look(page, "my-office-hours-error", problems, language)
        await page.goto("/profile")
        await page.locator("#display_name").fill("")
        await page.locator("form[action='/profile'] button[type=submit]").click()  # no name: asked for again
        await page.locator("#display_name-error").wait_for()
        await _look(page, "profile-error", problems, language)
        await context.clear_cookies()
        await sign_in(page, platform, chooser)
        for name, path in (("suggestions", f"/programs/{program['id']}/suggestions"),
                           ("program-mentee-choice", f"/programs/{program['id']}")):
            await page.goto(path)
            await _look(page, name, problems, language)
    finally:
        await context.close()
    assert problems == {}


async def test_a_mentor_offers_an_office_hour_adds_it_to_their_calendar_and_withdraws_it(platform, page):
    await sign_in(page, platform, platform.world["mentor_email"])
    await page.goto("/")
    await page.get_by_role("link", name="Office hours you offer").click()
    await page.get_by_label("Day").fill((date.today() + timedelta(days=3)).isoformat())
    await page.get_by_label("Starts at (").fill("16:30")
    await page.get_by_label("How long").select_option("45")
    await page.get_by_label("Link to join, if online").fill("https://meet.example.org/first")
    await page.get_by_role("button", name="Offer this slot").click()
    await page.get_by_text("Your office hour is offered.").wait_for()
    # By its whole time: another test's slot for this mentor, three days on at the hour the suite runs, may also show
    # "4:30" (as its end).
    offered_slot = re.compile(r"4:30\s*PM\s*–\s*5:15\s*PM")
    card = page.locator(".card", has_text=offered_slot)
    await card.get_by_text("Not booked yet").wait_for()
    await card.get_by_role("link", name="https://meet.example.org/first").wait_for()
    await card.get_by_label(re.compile("^Link to join")).fill("https://meet.example.org/changed")
    await card.get_by_role("button", name=re.compile("Save the link")).click()
    await page.get_by_text("The link to join is saved").wait_for()
    await card.get_by_role("link", name="https://meet.example.org/changed").wait_for()
    href = await card.get_by_role("link", name="Add to calendar").get_attribute("href")
    calendar = await page.request.get(href)
    assert calendar.headers["content-type"].startswith("text/calendar")
    body = await calendar.text()
    assert "BEGIN:VEVENT" in body and "SUMMARY:Office hour" in body
    await card.get_by_role("button", name="Withdraw").click()
    await page.get_by_text("Your office hour is withdrawn.").wait_for()
    assert await page.locator(".card", has_text=offered_slot).count() == 0


async def test_anyone_reads_the_programs_and_a_public_events_calendar_file(platform, page):
    await page.goto("/programs")
    await page.get_by_label("Chapter").select_option(platform.world["chapter"]["id"])
    await page.get_by_role("button", name="Show its programs").click()
    assert f"chapter={platform.world['chapter']['id']}" in page.url  # the choice is kept in the URL
    await page.get_by_role("link", name=platform.world["program"]["name"]).click()
    await page.get_by_role("link", name="Sign in or sign up to join").wait_for()
    # A private event's file is titled as one registered for: not offered to a visitor.
    await page.goto(f"/events/{platform.world['event']['id']}")
    await page.get_by_role("heading", name=platform.world["event"]["title"]).wait_for()
    assert await page.get_by_role("link", name="Add to calendar").count() == 0
    fair = {**{key: platform.world["event"][key] for key in ("starts_at", "ends_at", "registration_deadline",
                                                             "timezone", "audience_stages")},
            "kind": "career_fair", "title": f"Career fair {platform.world['run']}", "capacity": 200,
            "is_virtual": False, "location": "Student center", "attendees_public": True}
    async with platform.client("events") as events:
        created = (await events.post("/v1/events", json=fair)).json()
        assert (await events.post(f"/v1/events/{created['id']}/publish")).status_code == 200
    await page.goto(f"/events/{created['id']}")
    href = await page.get_by_role("link", name="Add to calendar").get_attribute("href")
    calendar = await page.request.get(href)
    assert calendar.status == 200 and "BEGIN:VCALENDAR" in await calendar.text()


async def test_a_mentee_who_chooses_asks_a_suggested_mentor(platform, page):
    program, email, mentee = await _choice_program(platform)
    await sign_in(page, platform, email)
    await page.goto(f"/programs/{program['id']}")
    await page.get_by_role("link", name="Choose a mentor").click()
    await page.get_by_text("Add a note for this mentor (optional)").first.click()
    await page.locator("#note-1").fill("Hello! I am applying next year.\nCould we talk about interviews?")
    await page.get_by_role("button", name="Ask this mentor").first.click()
    await page.get_by_text("Your request is sent. The mentor will answer it.").wait_for()
    await page.get_by_text("You have asked this mentor.").wait_for()
    async with platform.client("matching") as matching:
        pairings = (await matching.get(f"/v1/people/{mentee['id']}/pairings")).json()
    assert [(p["status"], p["mentor_id"]) for p in pairings] == [("requested", platform.world["mentor"]["id"])]
    mentor = platform.world["mentor"]["id"]
    async with platform.client("matching", Role.PARTICIPANT, person_id=mentor) as as_mentor:
        asked = (await as_mentor.get(f"/v1/pairings/{pairings[0]['id']}")).json()
    assert asked["request_note"] == "Hello! I am applying next year.\nCould we talk about interviews?"
    assert asked["requested_by_mentee"]

    # The mentor, in another browser, has it on their home page as a request to answer, the note with it.
    mentors_browser = await page.context.browser.new_context(base_url=platform.web, viewport={"width": 390,
                                                                                             "height": 844})
    try:
        as_mentor_page = await mentors_browser.new_page()
        await sign_in(as_mentor_page, platform, platform.world["mentor_email"])
        await as_mentor_page.get_by_role("link", name=f"Answer a mentee's request in {program['name']}").click()
        await as_mentor_page.get_by_text("Could we talk about interviews?").wait_for()
        await as_mentor_page.get_by_text(re.compile(r"Please answer by .+: unanswered by then, it lapses")).wait_for()
        assert await audit(as_mentor_page) == []
    finally:
        await mentors_browser.close()

    # Pending on the home page; the mentee reads their note and takes the request back from the mentorship's page.
    await page.goto("/")
    await page.get_by_role("link", name=re.compile("Open this mentorship")).first.click()
    await page.get_by_text("Could we talk about interviews?").wait_for()
    await page.get_by_text(re.compile(r"If the mentor has not answered by .+, your request lapses")).wait_for()
    await page.get_by_role("button", name="Withdraw my request").click()
    await page.get_by_text("Your request is withdrawn.").wait_for()
    async with platform.client("matching") as matching:
        pairings = (await matching.get(f"/v1/people/{mentee['id']}/pairings")).json()
    assert [p["status"] for p in pairings] == ["declined"]


async def test_a_mentor_pauses_and_takes_new_mentees_again(platform, page):
    program, _, _ = await _choice_program(platform)
    await sign_in(page, platform, platform.world["mentor_email"])
    card = page.locator(".card", has_text=program["name"])
    await card.get_by_role("button", name="Pause: take no new mentees for now").click()
    await page.get_by_text(f"You are paused in {program['name']}: nobody new will be proposed to you there.").wait_for()
    await card.get_by_text("Paused: nobody new is proposed to you.").wait_for()
    async with platform.client("profiles") as profiles:
        enrollments = (await profiles.get(f"/v1/people/{platform.world['mentor']['id']}/enrollments")).json()
    assert [e["paused"] for e in enrollments if e["program_id"] == program["id"]] == [True]
    await card.get_by_role("button", name="Take new mentees again").click()
    await page.get_by_text(f"You are taking new mentees in {program['name']} again.").wait_for()


async def _stopped_answering(platform, program: dict, person: dict, role: str, email: str, subject: str) -> dict:
    """Matching's word that `person` let proposals lapse unanswered, as it travels on matching.pairings (profiles
    pauses them, saying why; notifications emails them, with `subject`): their enrollment in the program."""
    async with platform.client("profiles") as profiles:
        [enrollment] = [e for e in (await profiles.get(f"/v1/people/{person['id']}/enrollments")).json()
                        if e["program_id"] == program["id"]]
    other = str(uuid4())
    stopped = StoppedAnswering(pairing_id=uuid4(), program_id=program["id"], chapter_id=None, role=role,
                               mentee_id=person["id"] if role == "mentee" else other,
                               mentor_id=person["id"] if role == "mentor" else other,
                               enrollment_id=enrollment["id"], unanswered_in_a_row=2)
    await _publish(platform, stopped)
    await platform.sink.wait_for(lambda m: addressed_to(m, email) and m["subject"] == subject, timeout=60)
    return enrollment


async def _publish(platform, event) -> None:
    """Publish an event as its producing service would (the platform's consumers read it)."""
    producer = AIOKafkaProducer(**platform.kafka, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(event.topic, event.to_json(), key=event.key.encode(),
                                     headers=[("event_id", str(event.event_id).encode())])
    finally:
        await producer.stop()


async def _looked_at(page, name: str) -> None:
    assert await audit(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        await page.set_viewport_size(viewport)
        await page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize(("role", "subject", "why", "button", "then"), [
    ("mentor", "We have paused new mentees for you", "Paused because the last proposals to you lapsed unanswered",
     "Take new mentees again", "You are taking new mentees in {program} again."),
    ("mentee", "We have paused mentor proposals for you",
     "Paused because the last proposed mentorships lapsed without your answer", "I am ready for a mentor again",
     # A program where mentees choose: ready again, she chooses (nobody is proposed to her there).
     "You can choose a mentor in {program} again.")])
async def test_whoever_is_paused_for_not_answering_is_emailed_reads_why_and_resumes(platform, page, role, subject, why,
                                                                                    button, then):
    program, email, mentee = await _choice_program(platform)
    person = mentee if role == "mentee" else platform.world["mentor"]
    email = email if role == "mentee" else platform.world["mentor_email"]
    # The program keeps who takes part private (the default), so the subject does not name it.
    enrollment = await _stopped_answering(platform, program, person, role, email, subject)

    await sign_in(page, platform, email)
    card = page.locator(".card", has_text=program["name"])
    await card.get_by_text(re.compile(why)).wait_for()
    await _looked_at(page, f"dashboard-{role}-paused-unanswered")
    await card.get_by_role("button", name=button).click()
    await page.get_by_text(then.format(program=program["name"])).wait_for()
    async with platform.client("profiles") as profiles:
        now = (await profiles.get(f"/v1/enrollments/{enrollment['id']}")).json()
    assert (now["paused"], now["paused_because"]) == (False, None)


async def test_a_mentor_whom_a_lapse_would_pause_is_warned_on_the_request_on_their_home_page(platform, page):
    program, _, mentee = await _choice_program(platform)
    mentor = platform.world["mentor"]["id"]
    # The mentor let one request lapse in this program already (matching counts them; its tests lapse them for real).
    database = await asyncpg.connect(platform.databases["matching"])
    try:
        await database.execute("UPDATE enrollments SET unanswered_in_a_row = 1 WHERE person_id = $1 AND program_id = $2",
                               mentor, program["id"])
    finally:
        await database.close()
    async with platform.client("matching", Role.PARTICIPANT, person_id=mentee["id"]) as as_mentee:
        (await as_mentee.post(f"/v1/programs/{program['id']}/requests",
                              json={"mentee_id": mentee["id"], "mentor_id": mentor})).raise_for_status()

    await sign_in(page, platform, platform.world["mentor_email"])
    card = page.locator(".card", has_text=program["name"]).filter(has_text="Do you accept this mentorship?")
    await card.get_by_text("Answer this one: if it lapses unanswered as well, we will pause new mentees for you "
                           "until you resume.").wait_for()
    await _looked_at(page, "dashboard-mentor-warned-before-a-pause")


async def test_an_emailed_unsubscribe_link_opens_a_page_of_the_platform_that_asks_then_stops_those_emails(platform,
                                                                                                          page):
    run = uuid4().hex[:8]
    email = f"una.{run}@example.org"
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={
            "display_name": "Una Waiting", "email": email, "stage": "undergraduate",
            "timezone": "America/Chicago"})).json()
    waiting = MenteeWaitlistedV3(enrollment_id=uuid4(), program_id=platform.world["program"]["id"], chapter_id=None,
                                 mentee_id=person["id"], position=3)
    await _publish(platform, waiting)
    told = await platform.sink.wait_for(lambda m: addressed_to(m, email) and "waitlist" in m["subject"], timeout=60)
    link = told["headers"]["List-Unsubscribe"].strip("<>")
    assert link.startswith(platform.web + "/unsubscribe?token=")  # the platform's page: notifications is not reached

    await page.goto(link)  # signed out, as from the email
    await page.get_by_role("heading", name="Stop these emails?").wait_for()
    # Named as the notification settings name it.
    await page.get_by_text("Waiting for a mentor in a program").wait_for()
    await _looked_at(page, "unsubscribe-asking")
    await page.get_by_role("button", name="Stop these emails").click()
    await page.get_by_role("heading", name="No more of these emails").wait_for()
    await _looked_at(page, "unsubscribe-done")
    async with platform.client("notifications", Role.PARTICIPANT, person_id=person["id"]) as as_person:
        categories = (await as_person.get(f"/v1/people/{person['id']}/preferences")).json()["categories"]
    assert {"category": "waitlist", "email": False, "can_opt_out": True} in categories
