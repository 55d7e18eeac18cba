"""What else a person does in the browser: a mentor sets how many mentees they take; a pair asks to renew, completes and
gives feedback; messages and which emails to get; office hours booked and cancelled; a new email address confirmed
from the link profiles sends; a calendar app subscribed to one's events."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import asyncpg
import httpx
from devinfra.smtp_sink import addressed_to
from icalendar import Calendar
from mentorship_contracts.profiles import EMAIL_CONFIRMATION_PAGE
from playwright.async_api import expect
from plumbing.calendar import booking_uid, event_uid
from plumbing.testing import eventually

from ..conftest import sign_in

# The confirmation link as mailed: the page's path and its token (wherever the web app is served).
CONFIRMATION_LINK = re.compile(re.escape(EMAIL_CONFIRMATION_PAGE) + r"\?token=[A-Za-z0-9_%.\-]+")


async def _active_pair(platform) -> tuple[str, dict, str]:
    """A mentee enrolled and paired with the world's mentor, both accepted (by the API): address, person, pairing."""
    email = f"pair.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={
            "display_name": "Noor Haddad", "email": email, "stage": "undergraduate",
            "specialties": ["emergency_medicine"], "timezone": "America/Chicago"})).json()
        await profiles.post("/v1/enrollments", json={"person_id": person["id"], "role": "mentee",
                                                     "program_id": platform.world["program"]["id"]})
    async with platform.client("matching") as matching:
        async def proposed():
            found = (await matching.get(f"/v1/people/{person['id']}/pairings")).json()
            return found[0]["id"] if found else None
        pairing = await eventually(proposed, timeout=60, what="a proposed pairing")
    for who in (person["id"], platform.world["mentor"]["id"]):
        async with platform.client("matching", role="participant", person_id=who) as side:
            assert (await side.post(f"/v1/pairings/{pairing}/accept")).status_code == 200
    return email, person, pairing


async def _registered(platform, name: str, prefix: str, stage: str = "undergraduate") -> tuple[str, dict]:
    """A person registered by the API (as the demo or an import does): their address, and them."""
    email = f"{prefix}.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={"display_name": name, "email": email, "stage": stage}))
    return email, person.raise_for_status().json()


async def test_a_pair_is_told_when_to_renew_then_completes_and_the_mentee_gives_feedback_and_reads_their_messages(platform, page):
    email, _, pairing = await _active_pair(platform)
    await sign_in(page, platform, email)
    await page.goto(f"/mentorships/{pairing}")
    # Months from its end, it is too early to renew or complete: no button, and the page says from when.
    await page.get_by_text(re.compile(r"From .+, in the last weeks of this term, you can both ask to renew it, or "
                                      r"complete it\.")).wait_for()
    for too_early in ("Renew for another term", "Complete it and give feedback"):
        assert await page.get_by_role("button", name=too_early).count() == 0, too_early
    # Its last weeks come: both are offered, and completing it asks how it went.
    database = await asyncpg.connect(platform.databases["matching"])
    try:
        await database.execute("UPDATE pairings SET term_ends_at = now() + interval '10 days' WHERE id = $1",
                               UUID(pairing))
    finally:
        await database.close()
    await page.reload()
    await page.get_by_role("button", name="Renew for another term").wait_for()
    await page.get_by_role("button", name="Complete it and give feedback").click()
    await page.get_by_role("heading", name="How did it go?").wait_for()
    await page.get_by_label("Very well").check()
    await page.get_by_label("Anything you would like to tell the program (optional)").fill("Thank you, Ana!")
    await page.get_by_role("button", name="Send").click()
    await page.get_by_text("Thank you for telling us how it went.").wait_for()

    # The pairing's emails also wait in the inbox.
    await page.goto("/inbox")
    mark = page.get_by_role("button", name="Mark as read").first

    async def two_messages():  # one to mark as read, another to open: they arrive one by one
        await page.reload()
        return await page.get_by_role("button", name="Mark as read").count() >= 2

    await eventually(two_messages, timeout=60, interval=0.5, what="two messages in the inbox")
    # That message, by its address: more of the pairing's emails may still be arriving, so no count is stable.
    marked = await page.locator("article.attention h2 a").first.get_attribute("href")
    await mark.click()
    await page.get_by_role("heading", name="Your messages").wait_for()
    read = page.locator("article", has=page.locator(f'h2 a[href="{marked}"]'))
    await expect(read).not_to_have_class(re.compile(r"\battention\b"))
    assert await read.get_by_role("button", name="Mark as read").count() == 0
    # A message opens whole, as its email said it, and opening it reads it.
    first = page.locator("article.attention h2 a").first
    subject, opened = await first.inner_text(), await first.get_attribute("href")
    await first.click()
    await page.get_by_role("heading", name=subject).wait_for()
    assert await page.locator("main p").count() > 2, "its paragraphs, not its subject alone"
    await page.get_by_role("link", name="Back to your messages").click()
    read = page.locator("article", has=page.locator(f'h2 a[href="{opened}"]'))
    await expect(read).not_to_have_class(re.compile(r"\battention\b"))


async def test_a_mentor_sets_their_number_of_mentees(platform, page):
    async with platform.client("profiles") as profiles:  # other tests may have enrolled them in more programs
        [mentoring] = [e for e in (await profiles.get(f"/v1/people/{platform.world['mentor']['id']}/enrollments"))
                       .json() if e["program_id"] == platform.world["program"]["id"]]
    await sign_in(page, platform, platform.world["mentor_email"])
    card = page.locator("form", has=page.locator(f"#capacity-{mentoring['id']}"))
    await card.get_by_label("Mentees you can take at once").fill("4")
    await card.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_text("Your number of mentees is saved.").wait_for()
    async with platform.client("profiles") as profiles:
        enrollments = (await profiles.get(f"/v1/people/{platform.world['mentor']['id']}/enrollments")).json()
    assert [e["capacity"] for e in enrollments if e["program_id"] == platform.world["program"]["id"]] == [4]
    async with platform.client("profiles") as profiles:  # as it was, for the other tests
        for e in enrollments:
            await profiles.patch(f"/v1/enrollments/{e['id']}", json={"capacity": 10})


async def test_a_person_chooses_which_emails_they_get(platform, page):
    email, person = await _registered(platform, "P", "prefs")
    await sign_in(page, platform, email)
    await page.goto("/settings/notifications")
    await page.get_by_label("Reminders about your mentorships").uncheck()
    await page.get_by_label("One email a day for what is not urgent").check()
    await page.get_by_role("button", name="Save").click()
    await page.get_by_text("Your email choices are saved.").wait_for()
    async with platform.client("notifications") as notifications:
        saved = (await notifications.get(f"/v1/people/{person['id']}/preferences")).json()
    assert saved["daily_digest"] is True
    assert {c["category"]: c["email"] for c in saved["categories"]}["mentorship_nudges"] is False


async def test_a_student_books_an_office_hour_and_cancels_it(platform, page):
    mentor = platform.world["mentor"]["id"]
    # Five days on: the mentor's other slots in these tests (three days on at 4:30 PM) never overlap it, which events
    # would refuse whatever the hour the suite runs.
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    join_url = f"https://meet.example.org/{uuid4().hex}"
    async with platform.client("events", role="participant", person_id=mentor) as host:
        async def offered():
            answer = await host.post("/v1/office-hours/slots", json={
                "host_id": mentor, "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=30)).isoformat(), "join_url": join_url})
            return answer.json() if answer.status_code == 201 else None
        await eventually(offered, timeout=60, what="the mentor's slot")
    email = f"hours.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "H", "email": email, "stage": "undergraduate"})
    await sign_in(page, platform, email)
    await page.get_by_role("link", name="Office hours you can book").click()
    await page.get_by_role("heading", name="Free slots").wait_for()
    await page.get_by_role("button", name="Book").first.click()
    await page.get_by_text("Your office hour is booked.").wait_for()
    await page.get_by_role("heading", name="Your bookings").wait_for()
    # Its calendar file is the same entry as the booking emails' (one UID), so their cancellation removes it.
    href = await page.get_by_role("link", name=re.compile("Add to calendar")).first.get_attribute("href")
    [entry] = Calendar.from_ical(await (await page.request.get(href)).body()).walk("VEVENT")
    # Online: the host's link, on the booking and in its calendar entry (nobody browsing the free slots sees it).
    assert await page.get_by_role("link", name=re.compile("Join online")).get_attribute("href") == join_url
    assert str(entry["url"]) == join_url
    async with platform.client("events", role="participant", person_id=mentor) as host:
        listed = await host.get("/v1/office-hours/slots", params={"host_id": mentor, "open_only": "false"})
        [slot] = [s for s in listed.json() if s["booked_by"]]
    assert str(entry["uid"]) == booking_uid(slot["booking_id"])
    await page.get_by_role("button", name="Cancel this booking").click()
    # Asked first (both are emailed): the booking's card asks, HTMX swapping it in.
    await page.get_by_text("Cancel this booking? We email you both to say so").wait_for()
    await page.get_by_role("button", name="Yes, cancel my booking").click()
    await page.get_by_text("Your booking is cancelled.").wait_for()
    assert not await page.get_by_role("heading", name="Your bookings").is_visible()


async def test_a_near_peer_mentor_offers_an_office_hour_from_their_dashboard(platform, page):
    email = f"near.peer.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={"display_name": "Sam Near-Peer", "email": email,
                                                          "stage": "medical_student_3"})).json()
        enrolled = await profiles.post("/v1/enrollments", json={
            "person_id": person["id"], "program_id": platform.world["program"]["id"], "role": "mentor"})
        assert enrolled.status_code == 201, enrolled.text
    await sign_in(page, platform, email)
    day = (datetime.now(UTC) + timedelta(days=4)).date().isoformat()

    async def offered() -> bool:
        """Offer a slot from the dashboard's link; True once it is offered (the mentor's enrollment may still be on
        its way to the events service: the page then says who offers office hours)."""
        await page.goto("/")
        await page.get_by_role("link", name="Office hours you offer").click()
        await page.get_by_label("Day").fill(day)
        await page.get_by_label("Starts at (").fill("16:30")
        await page.get_by_role("button", name="Offer this slot").click()
        await page.locator("h1").wait_for()
        return await page.get_by_text("Your office hour is offered.").is_visible()

    await eventually(offered, timeout=60, what="the near-peer mentor's slot to be offered")
    async with platform.client("events") as events:
        slots = (await events.get("/v1/office-hours/slots", params={"host_id": person["id"]})).json()
    assert [s["host_id"] for s in slots] == [person["id"]]


async def test_a_new_email_address_is_confirmed_from_the_link_profiles_sends(platform, page):
    email, new = f"old.{uuid4().hex[:8]}@example.org", f"new.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        await profiles.post("/v1/people", json={"display_name": "E", "email": email, "stage": "undergraduate"})
    await sign_in(page, platform, email)
    await page.goto("/my-data")
    await page.get_by_label("New email address").fill(new)
    await page.get_by_role("button", name="Send me a link to confirm it").click()
    await page.get_by_text("We sent a link to your new address.").wait_for()
    assert page.url.endswith("/my-data?done=email_link_sent")  # a reload does not post again

    # The link profiles made travels sealed on its restricted topic; notifications opens it and mails it to the new
    # address, where the person finds it.
    message = await platform.sink.wait_for(
        lambda m: addressed_to(m, new) and CONFIRMATION_LINK.search(m["text"] or ""), timeout=60)
    await page.goto(CONFIRMATION_LINK.search(message["text"]).group(0))
    # Switching language keeps the link's token: the button still confirms.
    await page.get_by_role("button", name="Español").click()
    await page.get_by_role("button", name="Confirmar mi nuevo correo").click()
    await page.get_by_text(f"Listo: tu correo electrónico ahora es {new}.").wait_for()


async def test_a_newcomer_whose_registration_was_made_but_its_answer_lost_sends_the_form_again_and_goes_on(
        platform, page):
    """Profiles can commit a registration and stop before it answers: the web shows the form again, asking to try
    again. Sent again, it was refused ("someone is already registered with this email"), and the newcomer, whose
    session has no profile, could go no further."""
    email = f"lost.{uuid4().hex[:8]}@example.org"
    await sign_in(page, platform, email)
    assert page.url.endswith("/sign-up")
    async with platform.client("profiles") as profiles:  # the first sending, made in profiles, its answer lost
        made = await profiles.post("/v1/people", json={
            "display_name": "Ana Lima", "email": email, "stage": "undergraduate", "timezone": "America/Chicago"})
        assert made.status_code == 201, made.text

    await page.get_by_label("Your name").fill("Ana Lima")
    await page.get_by_label("Where are you in your training?").select_option("undergraduate")
    await page.get_by_label("Your time zone").select_option("America/Chicago")
    await page.get_by_role("button", name="Save and continue").click()
    await page.get_by_role("heading", name="Your interests").wait_for()
    await page.goto("/my-data")  # the session is the person's
    await page.get_by_text(email).first.wait_for()


async def test_a_mentee_changes_their_name_pronouns_and_stage_and_their_mentor_sees_the_new_name(
        platform, page, browser):
    email, person, _ = await _active_pair(platform)
    await sign_in(page, platform, email)
    laptop = await browser.new_context(base_url=platform.web)  # signed in on a second device too
    on_laptop = await laptop.new_page()
    await sign_in(on_laptop, platform, email)
    await page.get_by_role("link", name="Change your name, pronouns, training stage or time zone").click()
    assert await page.get_by_label("Your name").input_value() == "Noor Haddad"
    assert await page.get_by_label("Your time zone").input_value() == "America/Chicago"
    await page.get_by_label("Your name").fill("Nour Haddad")
    await page.get_by_label("Pronouns (optional)").fill("they/them")
    await page.get_by_label("Those coordinators, and my mentor or mentees").check()
    await page.get_by_label("Where are you in your training?").select_option("post_baccalaureate")
    await page.get_by_label("Your time zone").select_option("America/Denver")
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_text("Your details are saved.").wait_for()

    async with platform.client("profiles") as profiles:
        saved = (await profiles.get(f"/v1/people/{person['id']}")).json()
    assert (saved["display_name"], saved["pronouns"], saved["stage"], saved["timezone"]) == (
        "Nour Haddad", "they/them", "post_baccalaureate", "America/Denver")
    partner = await _as_the_mentor_sees(platform, person["id"])
    assert (partner["display_name"], partner["pronouns"]) == ("Nour Haddad", "they/them")
    # The other device's pages follow at once: times in the new time zone.
    await on_laptop.goto("/")
    await on_laptop.get_by_text("Times are shown in your time zone (Mountain Time, Denver).").wait_for()
    await laptop.close()

    # Pronouns for nobody else: the partner no longer sees them.
    await page.goto("/profile")
    assert await page.get_by_label("Your name").input_value() == "Nour Haddad"
    await page.get_by_label("Only me").check()
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_text("Your details are saved.").wait_for()
    assert (await _as_the_mentor_sees(platform, person["id"]))["pronouns"] is None


async def test_an_alum_says_so_on_their_details_and_is_not_let_offer_office_hours_without_a_program_s_approval(
        platform, page):
    email, person = await _registered(platform, "Rosa Vidal", "alum", stage="post_baccalaureate")
    await sign_in(page, platform, email)
    assert not await page.get_by_role("link", name="Office hours you offer").is_visible()
    await page.goto("/profile")
    alum = page.get_by_label("I am an alum of one of the organization's programs")
    assert not await alum.is_checked()
    await alum.check()
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_text("Your details are saved.").wait_for()
    async with platform.client("profiles") as profiles:
        assert (await profiles.get(f"/v1/people/{person['id']}")).json()["is_alumni"] is True
    await page.goto("/profile")
    assert await page.get_by_label("I am an alum of one of the organization's programs").is_checked()

    # Declared, vetted by no one: office hours are offered by mentors a program has approved.
    await page.goto("/")
    assert not await page.get_by_role("link", name="Office hours you offer").is_visible()
    await page.goto("/my-office-hours")
    await page.get_by_text("Office hours are offered by mentors a program has approved.").wait_for()
    assert not await page.get_by_role("button", name="Offer this slot").is_visible()
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=9)
    async with platform.client("events", role="participant", person_id=person["id"]) as as_her:
        async def refused() -> bool:
            answer = await as_her.post("/v1/office-hours/slots", json={
                "host_id": person["id"], "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(minutes=30)).isoformat()})
            assert answer.status_code != 201, answer.text
            return answer.status_code == 403 and answer.json()["error"]["code"] == "not_a_host"
        await eventually(refused, timeout=60, what="events refusing the alum's office hour")


async def _as_the_mentor_sees(platform, mentee_id: str) -> dict:
    """The world's mentor's view of one of their mentees (profiles' partner view)."""
    mentor = platform.world["mentor"]["id"]
    async with platform.client("profiles", role="participant", person_id=mentor) as as_mentor:
        [partner] = [p for p in (await as_mentor.get(f"/v1/people/{mentor}/partners")).json() if p["id"] == mentee_id]
    return partner


async def test_a_name_left_empty_is_asked_for_next_to_the_field_and_nothing_changes(platform, page):
    email, person = await _registered(platform, "Ife Ade", "blank")
    await sign_in(page, platform, email)
    await page.goto("/profile")
    await page.get_by_label("Your name").fill("")
    await page.get_by_role("button", name="Save", exact=True).click()
    error = page.locator("#display_name-error")
    await error.wait_for()
    assert await error.inner_text() == "Tell us the name you would like people to see."
    assert await page.get_by_label("Your name").get_attribute("aria-invalid") == "true"
    async with platform.client("profiles") as profiles:
        assert (await profiles.get(f"/v1/people/{person['id']}")).json()["display_name"] == "Ife Ade"


async def test_a_mentor_stops_mentoring_in_a_program_and_their_mentee_waits_again_then_leaves_the_waitlist(
        platform, page, browser):
    run = uuid4().hex[:8]
    mentor_email, mentee_email = f"leaving.{run}@example.org", f"left.{run}@example.org"
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Pre-med circle {run}", "mentee_stages": ["undergraduate"], "mentor_stages": ["resident"],
            "pairing_mode": "on_registration"})).raise_for_status().json()
        mentor = (await profiles.post("/v1/people", json={"display_name": "Dr. Leah Park", "email": mentor_email,
                                                          "stage": "resident"})).raise_for_status().json()
        mentee = (await profiles.post("/v1/people", json={"display_name": "Omar Said", "email": mentee_email,
                                                          "stage": "undergraduate"})).raise_for_status().json()
        for person, role in ((mentor, "mentor"), (mentee, "mentee")):
            (await profiles.post("/v1/enrollments", json={"person_id": person["id"], "role": role,
                                                          "program_id": program["id"]})).raise_for_status()

    async def pairings_of(person_id: str) -> list[dict]:
        async with platform.client("matching") as matching:
            return (await matching.get(f"/v1/people/{person_id}/pairings")).json()
    await eventually(lambda: pairings_of(mentee["id"]), timeout=60, what="the mentee paired with the mentor")

    await sign_in(page, platform, mentor_email)
    await page.get_by_role("link", name=f"Stop mentoring in this program ({program['name']})").click()
    await page.get_by_role("heading", name=f"Leave {program['name']}?").wait_for()
    assert await page.get_by_text("your mentees are told, and they wait for a new mentor").is_visible()
    await page.get_by_role("button", name="Leave the program").click()
    await page.get_by_text("You have left the program.").wait_for()
    assert not await page.get_by_role("heading", name="You mentor in").is_visible()

    async def ended() -> bool:
        return all(p["status"] not in ("proposed", "active") for p in await pairings_of(mentee["id"]))
    await eventually(ended, timeout=60, what="the mentee's pairing ended")

    # The mentee waits again (the program has no other mentor), and leaves the waitlist too.
    context = await browser.new_context(base_url=platform.web)
    try:
        as_mentee = await context.new_page()
        await sign_in(as_mentee, platform, mentee_email)

        async def waiting() -> bool:
            await as_mentee.goto("/")
            return await as_mentee.get_by_role("heading", name="Waiting for a mentor").is_visible()
        await eventually(waiting, timeout=60, what="the mentee back on the waitlist")
        await as_mentee.get_by_role("link", name=f"Leave this waitlist ({program['name']})").click()
        assert await as_mentee.get_by_text("You leave its waitlist").is_visible()
        await as_mentee.get_by_role("button", name="Leave the program").click()
        await as_mentee.get_by_text("You have left the program.").wait_for()
        assert not await as_mentee.get_by_role("heading", name="Waiting for a mentor").is_visible()
    finally:
        await context.close()
    async with platform.client("profiles") as profiles:
        enrollments = (await profiles.get(f"/v1/people/{mentee['id']}/enrollments")).json()
    assert [e["active"] for e in enrollments if e["program_id"] == program["id"]] == [False]


async def test_someone_elses_enrollment_cannot_be_left_nor_even_found(platform, page):
    email, _ = await _registered(platform, "N", "nosy")
    async with platform.client("profiles") as profiles:
        mentors = (await profiles.get(f"/v1/people/{platform.world['mentor']['id']}/enrollments")).json()
    await sign_in(page, platform, email)
    response = await page.goto(f"/enrollments/{mentors[0]['id']}/leave")
    assert response is not None and response.status == 404


async def test_changing_interests_or_consents_after_sign_up_goes_back_where_it_started_saying_so(platform, page):
    email, person = await _registered(platform, "Ren Ito", "edits")
    await sign_in(page, platform, email)
    await page.get_by_role("link", name="Change your interests").click()
    await page.get_by_role("heading", name="Your interests").wait_for()
    assert not await page.get_by_text("Step 2 of 4").is_visible()  # no wizard once signed up
    await page.get_by_label("Pediatrics").check()
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_text("Your interests are saved.").wait_for()
    assert page.url.endswith("/?done=interests_saved")

    await page.goto("/my-data")
    await page.get_by_role("link", name="Change consents").click()
    assert await page.get_by_role("link", name="Back to your data").get_attribute("href") == "/my-data"
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_text("What you share about who you are is saved.").wait_for()
    assert "/my-data?done=identity_saved" in page.url
    async with platform.client("profiles") as profiles:
        assert (await profiles.get(f"/v1/people/{person['id']}")).json()["specialties"] == ["pediatrics"]


async def test_a_language_or_time_zone_the_page_does_not_offer_is_kept_when_the_details_are_saved(platform, page):
    email = f"langs.{uuid4().hex[:8]}@example.org"
    async with platform.client("profiles") as profiles:
        person = (await profiles.post("/v1/people", json={
            "display_name": "Ana Lima", "email": email, "stage": "undergraduate", "languages": ["pt", "en"],
            "timezone": "Europe/Lisbon"}))
        person = person.raise_for_status().json()
    await sign_in(page, platform, email)
    await page.goto("/profile")
    assert await page.get_by_label("Your time zone").input_value() == "Europe/Lisbon"
    meeting_in = page.get_by_role("group", name="Languages you can meet in")
    await meeting_in.get_by_label("English").uncheck()
    await meeting_in.get_by_label("Spanish").check()
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.get_by_text("Your details are saved.").wait_for()
    async with platform.client("profiles") as profiles:
        saved = (await profiles.get(f"/v1/people/{person['id']}")).json()
    assert (saved["languages"], saved["timezone"]) == (["es", "pt"], "Europe/Lisbon")


async def test_a_registrant_subscribes_their_calendar_app_to_their_events_through_the_web_app(platform, page):
    event = platform.world["event"]
    email, person = await _registered(platform, "Ade Bello", "feed")
    async with platform.client("events", role="participant", person_id=person["id"]) as as_person:
        async def seated():
            answer = await as_person.post(f"/v1/events/{event['id']}/registrations", json={"person_id": person["id"]})
            return answer.json() if answer.status_code == 201 else None

        assert (await eventually(seated, timeout=60, what="a seat at the event"))["status"] == "confirmed"
    await sign_in(page, platform, email)

    async def calendar_link() -> str:
        await page.goto("/registrations")
        await page.get_by_role("button", name="Make my calendar link").click()
        return await page.get_by_label("Your calendar link").input_value()

    first = await calendar_link()
    assert first.startswith(f"{platform.web}/calendar/") and first.endswith(".ics")
    await expect(page.get_by_role("link", name="Open it in my calendar app")).to_have_attribute(
        "href", "webcal://" + first.split("://", 1)[1])
    async with httpx.AsyncClient() as calendar_app:  # signed in to nothing: the link is the credential
        feed = await calendar_app.get(first)
        assert feed.headers["content-type"].startswith("text/calendar")
        [entry] = Calendar.from_ical(feed.content).walk("VEVENT")
        assert str(entry["uid"]) == event_uid(event["id"])
        assert str(entry["summary"]) == "An event you registered for"  # its attendees are not public
        second = await calendar_link()
        assert second != first
        assert (await calendar_app.get(first)).status_code == 404  # a new link stops the old one
        assert (await calendar_app.get(second)).status_code == 200
