"""Issue 12 in the browser, on the whole platform: a coordinator uploads a CSV of 20 mentors with two bad rows and
invites the rest (the same file again invites nobody); two mentors sign in by the emailed link, complete their
profiles and join the program, and the coordinator approves them. Then a season: the coordinator runs a round,
removes one pair from the draft and publishes (only the published pairs are emailed), ends a pairing and pairs the
mentee again by hand, and checks an event's roster in from a phone-sized window."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from devinfra.smtp_sink import addressed_to
from playwright.async_api import Browser, Page, expect
from plumbing.testing import eventually

from ..conftest import PHONE, SIGN_IN_LINK, Platform, join_as, sign_in

DESKTOP = {"width": 1280, "height": 900}


@asynccontextmanager
async def window(browser: Browser, platform: Platform, viewport: dict) -> AsyncIterator[Page]:
    """A fresh browser window of this size (no cookies), speaking English: its page, the window closed after."""
    context = await browser.new_context(base_url=platform.web, viewport=viewport, locale="en-US")
    context.set_default_timeout(20_000)
    try:
        yield await context.new_page()
    finally:
        await context.close()


def mentors_csv(run: str) -> tuple[str, list[str]]:
    """20 lines of mentors: 18 valid, one without a name and one with an address that is not one."""
    lines, emails = ["name,email,stage"], []
    for i in range(18):
        email = f"mentor{i}.{run}@example.org"
        emails.append(email)
        lines.append(f"Dr. Mentor {i} {run},{email},{'resident' if i % 2 else 'attending'}")
    lines.insert(5, f",nameless.{run}@example.org,resident")
    lines.insert(12, f"Dr. No Address {run},not-an-address,resident")
    return "\n".join(lines) + "\n", emails


async def staff_world(platform: Platform) -> dict:
    """A chapter program paired by rounds, with mentors approved by a coordinator; the coordinator of its chapter."""
    run = uuid4().hex[:8]
    chapter = platform.world["chapter"]
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Residents mentor students {run}", "chapter_id": chapter["id"],
            "mentee_stages": ["undergraduate"], "mentor_stages": ["resident", "attending"],
            "pairing_mode": "rounds", "mentor_approval_required": True, "both_must_accept": True})).json()
        email = f"coordinator.{run}@example.org"
        coordinator = (await profiles.post("/v1/people", json={
            "display_name": f"Carla Coordinator {run}", "email": email, "stage": "attending",
            "chapter_id": chapter["id"], "timezone": "America/Chicago"})).json()
        granted = await profiles.put(f"/v1/people/{coordinator['id']}/roles/coordinator/{chapter['id']}")
        assert granted.status_code == 204, granted.text
    return {"run": run, "program": program, "coordinator_email": email}


async def invitation_link(platform: Platform, email: str) -> str:
    message = await platform.sink.wait_for(
        lambda m: addressed_to(m, email) and SIGN_IN_LINK.search(m["text"] or "") and "invited" in (m["text"] or ""),
        timeout=30)
    return SIGN_IN_LINK.search(message["text"]).group(0)


async def test_a_coordinator_invites_from_a_csv_approves_two_mentors_who_signed_in_and_declines_a_third_once_asked(
        platform: Platform, browser: Browser):
    world = await staff_world(platform)
    program, run = world["program"], world["run"]
    csv, emails = mentors_csv(run)
    async with window(browser, platform, DESKTOP) as page:
        await sign_in(page, platform, world["coordinator_email"])
        await page.goto(f"/console/programs/{program['id']}/invite")
        await page.get_by_label("Mentor", exact=True).check()
        await page.locator("#file").set_input_files(
            files=[{"name": "mentors.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
        await page.get_by_role("button", name="Check the file").click()
        await expect(page.locator("p.lead")).to_have_text(
            "18 lines can be invited; 2 have a problem and will be left out.")
        await expect(page.locator("#line-6")).to_contain_text("Name: missing")
        await expect(page.locator("#line-13")).to_contain_text("Email: not an email address")
        before = platform.last_message_id()
        await page.get_by_role("button", name="Invite 18 people as Mentor").click()
        await expect(page.locator("[role=status]").first).to_contain_text(
            "18 people invited; 18 invitation emails sent.")

        def invitations() -> list[dict]:
            return [m for m in platform.sink.messages() if m["id"] > before and SIGN_IN_LINK.search(m["text"] or "")]
        await eventually(lambda: len(invitations()) >= 18, what="18 invitation emails")
        assert len(invitations()) == 18
        assert {e for e in emails if any(addressed_to(m, e) for m in invitations())} == set(emails)

        # The same file again: every valid line was invited before, nobody is invited twice.
        await page.goto(f"/console/programs/{program['id']}/invite")
        await page.get_by_label("Mentor", exact=True).check()
        await page.locator("#file").set_input_files(
            files=[{"name": "mentors.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
        await page.get_by_role("button", name="Check the file").click()
        await expect(page.get_by_text("Nobody new to invite in this file.")).to_be_visible()
        assert await page.get_by_text("Invited before: not invited again").count() == 18

        # Three mentors sign in by the emailed link, complete their profiles and join the program.
        joined_on = {datetime.now(UTC).date()}
        for email in emails[:3]:
            async with window(browser, platform, PHONE) as own:
                await own.goto(await invitation_link(platform, email))
                await own.locator("form[action^='/sign-in/'] button").click()
                # The link leads to the form to join, the program and the role chosen.
                await own.wait_for_url(re.compile(rf"/sign-up/enrol\?program_id={program['id']}&role=mentor$"))
                await own.goto("/sign-up/interests")
                await own.locator("input[name=specialties][value=emergency_medicine]").check()
                await own.locator("form[action='/sign-up/interests'] button[type=submit]").click()
                await own.wait_for_url(re.compile(r"/sign-up/identity"))
                await own.locator("form[action='/sign-up/identity'] button[type=submit]").click()
                await own.wait_for_url(re.compile(r"/sign-up/enrol"))
                # The web app keeps the list of programs a few seconds (PROGRAMS_KEPT_SECONDS): read by the test
                # before, just ahead of this one's program, it shows the program once it is read again.
                choice = own.locator(f"input[name=program_id][value='{program['id']}']")

                async def offered(choice=choice, own=own) -> bool:
                    if await choice.count():
                        return True
                    await own.reload()
                    return False

                await eventually(offered, timeout=20, interval=0.5, what="the program offered on the enrolment page")
                await choice.check()
                await join_as(own, "mentor")
                await own.locator("#capacity").fill("2")
                await own.locator("form[action='/sign-up/enrol'] button[type=submit]").click()
                await own.wait_for_url(re.compile(r"/\?enrolled=review"))

        joined_on.add(datetime.now(UTC).date())

        # The coordinator is emailed that mentors wait (once a day for the program, however many joined), naming
        # nobody; its link leads to the vetting queue, where they approve them.
        def waiting() -> list[dict]:
            return [m for m in platform.sink.messages(to=world["coordinator_email"])
                    if m["subject"] == "A mentor waits for your approval"]
        told = await eventually(lambda: len(waiting()) >= len(joined_on) and waiting(), timeout=60,
                                what="the coordinator's email that mentors wait for approval")
        assert len(told) == len(joined_on)  # the same day (UTC), one email for both
        text = told[0]["text"]
        assert f"Dr. Mentor 0 {run}" not in text and f"Dr. Mentor 1 {run}" not in text
        [queue] = re.findall(rf"{re.escape(platform.web)}/console/vetting\b", text)
        await page.goto(queue)
        await expect(page.locator("h1")).to_have_text("Mentors to approve")
        await page.goto(f"/console/vetting?program_id={program['id']}")
        for i in (0, 1):
            name = f"Dr. Mentor {i} {run}"
            await page.get_by_role("button", name=f"Approve {name}").click()
            await expect(page.locator("#main").get_by_text(f"{name}: The mentor is approved.")).to_be_visible()
        # The third is declined, once the coordinator has answered the question their card asks instead of its form.
        name = f"Dr. Mentor 2 {run}"
        await page.locator("li.card", has_text=name).locator("textarea").fill("No licence on file")
        await page.get_by_role("button", name=f"Decline {name}").click()
        await expect(page.get_by_text(f"Decline {name} as a mentor here?")).to_be_visible()
        await page.get_by_role("button", name=f"Yes, decline ({name})").click()
        await expect(page.locator("#main").get_by_text(
            f"{name}: Declined: the mentor is told they were not approved.")).to_be_visible()
        await page.goto(f"/console/vetting?program_id={program['id']}")
        await expect(page.get_by_text("Nobody is waiting for approval.")).to_be_visible()
    async with platform.client("profiles") as profiles:
        found = (await profiles.get("/v1/people", params={"program_id": program["id"], "role": "mentor",
                                                          "approval": "approved"})).json()
    assert sorted(p["display_name"] for p in found["items"]) == [f"Dr. Mentor 0 {run}", f"Dr. Mentor 1 {run}"]


async def season_world(platform: Platform) -> dict:
    """A chapter program paired by rounds, two mentors with room for two each, three mentees waiting, a published
    chapter event they registered for, and the chapter's coordinator."""
    world = await staff_world(platform)
    run, program, chapter = world["run"], world["program"], platform.world["chapter"]
    people: dict[str, dict] = {}
    async with platform.client("profiles") as profiles:
        await profiles.patch(f"/v1/programs/{program['id']}", json={"mentor_approval_required": False})
        for key, stage, role in (("m1", "resident", "mentor"), ("m2", "attending", "mentor"),
                                 ("a", "undergraduate", "mentee"), ("b", "undergraduate", "mentee"),
                                 ("c", "undergraduate", "mentee")):
            person = (await profiles.post("/v1/people", json={
                "display_name": f"{'Dr. ' if role == 'mentor' else ''}{key.upper()} {run}",
                "email": f"{key}.{run}@example.org", "stage": stage, "chapter_id": chapter["id"],
                "timezone": "America/Chicago", "specialties": ["emergency_medicine"], "languages": ["en"]})).json()
            enrolled = await profiles.post("/v1/enrollments", json={
                "person_id": person["id"], "program_id": program["id"], "role": role,
                **({"capacity": 2} if role == "mentor" else {})})
            assert enrolled.status_code == 201, enrolled.text
            people[key] = person
    async with platform.client("matching") as matching:
        async def all_waiting():
            found = await matching.get(f"/v1/programs/{program['id']}/waitlist")
            return found.status_code == 200 and len(found.json()) == 3
        await eventually(all_waiting, timeout=60, what="the three mentees waiting in matching")
    return {**world, "people": people}


async def test_a_coordinator_reviews_a_round_publishes_it_and_steps_in_on_a_pairing(
        platform: Platform, browser: Browser):
    world = await season_world(platform)
    run, program, people = world["run"], world["program"], world["people"]
    async with window(browser, platform, DESKTOP) as page:
        await sign_in(page, platform, world["coordinator_email"])

        # A round drafts pairs; nobody hears of them until the coordinator publishes, without the pair removed.
        before = platform.last_message_id()
        await page.goto(f"/console/programs/{program['id']}/rounds")
        await page.get_by_role("button", name="Run a round").click()
        await page.wait_for_url(re.compile(r"/console/rounds/"))
        round_page = page.url.split("?")[0]

        async def drafted():
            await page.goto(round_page)
            return await page.locator("h2#pairs").count()
        await eventually(drafted, timeout=60, what="the round's draft")
        await expect(page.locator("#main")).to_contain_text("Draft: waiting for your review")
        await expect(page.locator("ul.list > li.card[id^=pair-]")).to_have_count(3)
        await page.get_by_role("button", name=f"Remove the pair of C {run}").click()
        await expect(page.locator("#main").get_by_text("Removed from the draft.")).to_be_visible()
        await expect(page.locator("#unpaired ~ ul")).to_contain_text(f"C {run}: Removed from this draft")
        await page.get_by_role("button", name="Publish: propose these 2 pairs").click()
        await expect(page.locator("#main").get_by_text("The round is published")).to_be_visible()

        async with platform.client("matching") as matching:
            pairings = (await matching.get(f"/v1/programs/{program['id']}/pairings")).json()["items"]
        assert sorted(p["mentee_id"] for p in pairings) == sorted([people["a"]["id"], people["b"]["id"]])
        by_id = {p["id"]: p for p in people.values()}
        published = {by_id[p[side]]["email"] for p in pairings for side in ("mentee_id", "mentor_id")}

        def mailed(email: str) -> list[dict]:
            return [m for m in platform.sink.messages() if m["id"] > before and addressed_to(m, email)]
        await eventually(lambda: all(mailed(email) for email in published), timeout=60,
                         what="the published pairs' emails")
        async with platform.client("matching") as matching:
            assert (await matching.get(f"/v1/people/{people['c']['id']}/pairings")).json() == []
        unpublished = {p["email"] for p in people.values()} - published
        assert people["c"]["email"] in unpublished
        # Their welcomes (which wait a little for an invitation that would withdraw them) may come meanwhile.
        told_of_a_pairing = [email for email in unpublished
                             if [m for m in mailed(email) if not m["subject"].startswith("Welcome")]]
        assert told_of_a_pairing == [], "only the published pairs are emailed"
        first = next(p for p in pairings if p["mentee_id"] == people["a"]["id"])
        other_mentor = "m2" if first["mentor_id"] == people["m1"]["id"] else "m1"

        # A and their mentor accept; the coordinator ends the mentorship with a reason, then pairs A again by hand.
        for side in ("mentee_id", "mentor_id"):
            async with platform.client("matching", role="participant", person_id=first[side]) as party:
                accepted = await party.post(f"/v1/pairings/{first['id']}/accept")
                assert accepted.status_code == 200, accepted.text
        await page.goto(f"/console/programs/{program['id']}")
        await expect(page.locator("#mentorships ~ ul.cards")).to_contain_text(f"A {run}")
        await page.goto(f"/console/pairings/{first['id']}")
        await page.get_by_label("Not a good fit").check()
        await page.get_by_label("In your words").fill("They could not find a time to meet")
        await page.get_by_role("button", name="End this mentorship").click()
        await page.get_by_role("button", name="Yes, end it").click()  # asked first: both are emailed
        await expect(page.locator("#main").get_by_text("The mentorship has ended.")).to_be_visible()
        await page.goto(f"/console/programs/{program['id']}")
        await expect(page.locator("#waitlist ~ ol")).to_contain_text(f"A {run}")
        await page.locator("#mentee_id").select_option(label=f"A {run}")
        # Each mentor is offered with the room they have (the other one may have B from the round).
        offered = page.locator("#mentor_id option", has_text=f"Dr. {other_mentor.upper()} {run}")
        await expect(offered).to_have_text(re.compile(rf"Dr\. {other_mentor.upper()} {run} \([01] of 2 mentees\)"))
        await page.locator("#mentor_id").select_option(await offered.get_attribute("value"))
        await page.get_by_role("button", name="Propose this pair").click()
        await expect(page.locator("#main").get_by_text("The pair is proposed")).to_be_visible()
        async with platform.client("matching") as matching:
            again = [p for p in (await matching.get(f"/v1/people/{people['a']['id']}/pairings")).json()
                     if p["status"] in ("proposed", "active")]
        assert [p["mentor_id"] for p in again] == [people[other_mentor]["id"]]


async def test_an_event_roster_is_checked_in_from_a_phone_sized_window_and_exported_with_names(
        platform: Platform, browser: Browser):
    world = await staff_world(platform)
    run, chapter = world["run"], platform.world["chapter"]
    people: dict[str, dict] = {}
    async with platform.client("profiles") as profiles:
        for key in ("a", "b", "c"):
            people[key] = (await profiles.post("/v1/people", json={
                "display_name": f"{key.upper()} {run}", "email": f"{key}.{run}@example.org", "stage": "undergraduate",
                "chapter_id": chapter["id"], "timezone": "America/Chicago"})).json()
    # An event's roster is checked in from a phone-sized window, at the door (check-in opens on the day).
    starts = datetime.now(UTC) + timedelta(hours=1)
    async with platform.client("events") as events:
        event = (await events.post("/v1/events", json={
            "kind": "workshop", "title": f"Suturing workshop {run}", "chapter_id": platform.world["chapter"]["id"],
            "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 10,
            "timezone": "America/Chicago", "registration_deadline": (starts - timedelta(minutes=30)).isoformat(),
            "is_virtual": False, "location": "Simulation lab"})).json()
        assert (await events.post(f"/v1/events/{event['id']}/publish")).status_code == 200
        for key in ("a", "b", "c"):
            async def registered(key=key):
                answer = await events.post(f"/v1/events/{event['id']}/registrations",
                                           json={"person_id": people[key]["id"]})
                return answer.status_code in (200, 201)
            await eventually(registered, timeout=60, what="a registration once events knows the person")
    async with window(browser, platform, {"width": 360, "height": 740}) as page:
        await sign_in(page, platform, world["coordinator_email"])
        await page.goto(f"/console/events/{event['id']}/check-in")
        await expect(page.locator("#arrived")).to_have_text("0 of 3 checked in.")
        for key in ("a", "b"):
            await page.get_by_role("button", name=f"Check in {key.upper()} {run}").click()
            # The time takes the button's place, and focus: a second tap there lands on words, not on undo.
            row = page.locator("li.check-in-row", has_text=f"{key.upper()} {run}")
            await expect(row.get_by_text("Checked in at")).to_be_focused()
        await expect(page.locator("#arrived")).to_have_text("2 of 3 checked in.")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        exported = await page.request.get(f"/console/events/{event['id']}/attendance.csv")
        rows = list(csv.reader(io.StringIO((await exported.text()).lstrip("\ufeff"))))
        assert rows[0] == ["Name", "Email", "Person's id", "Registration", "Place on the waitlist",
                           "Checked in (Central Time, Chicago)", "Attendance"]
        assert sorted(row[0] for row in rows[1:]) == [f"A {run}", f"B {run}", f"C {run}"]
        assert sorted(row[1] for row in rows[1:]) == [f"{key}.{run}@example.org" for key in ("a", "b", "c")]
        assert all(row[5] for row in rows[1:] if row[0].startswith(("A ", "B ")))
    async with platform.client("events") as events:
        roster = (await events.get(f"/v1/events/{event['id']}/registrations")).json()["registrations"]
    arrived = {r["person_id"] for r in roster if r.get("checked_in_at")}
    assert arrived == {people["a"]["id"], people["b"]["id"]}


async def test_a_mentee_reported_by_their_mentor_reaches_the_coordinators_home_and_is_resumed_once_looked_into(
        platform: Platform, browser: Browser):
    run, chapter = uuid4().hex[:8], platform.world["chapter"]
    emails = {who: f"{who}.{run}@example.org" for who in ("mentor", "mentee", "coordinator")}
    async with platform.client("profiles") as profiles:
        program = (await profiles.post("/v1/programs", json={
            "name": f"Near-peers {run}", "chapter_id": chapter["id"], "mentee_stages": ["undergraduate"],
            "mentor_stages": ["resident"], "pairing_mode": "on_registration", "both_must_accept": False,
            "mentor_approval_required": False})).json()
        people = {who: (await profiles.post("/v1/people", json={
            "display_name": f"{who.title()} {run}", "email": email, "chapter_id": chapter["id"],
            "stage": "undergraduate" if who == "mentee" else "resident", "timezone": "America/Chicago"})).json()
            for who, email in emails.items()}
        for role in ("mentor", "mentee"):
            enrolled = await profiles.post("/v1/enrollments", json={
                "person_id": people[role]["id"], "program_id": program["id"], "role": role})
            assert enrolled.status_code == 201, enrolled.text
        granted = await profiles.put(f"/v1/people/{people['coordinator']['id']}/roles/coordinator/{chapter['id']}")
        assert granted.status_code == 204, granted.text
    async with platform.client("matching") as matching:
        async def paired():
            found = (await matching.get(f"/v1/people/{people['mentee']['id']}/pairings")).json()
            return found[0]["id"] if found and found[0]["status"] == "active" else None
        pairing = await eventually(paired, timeout=60, what="the pair made as the mentee enrolled")

    async with window(browser, platform, PHONE) as page:
        # The mentor ends the mentorship over a problem of conduct.
        await sign_in(page, platform, emails["mentor"])
        await page.goto(f"/mentorships/{pairing}")
        await page.get_by_text("End this mentorship before its term…").click()
        await page.get_by_label("Why? (only the reason's category is kept)").select_option("conduct")
        await page.get_by_role("button", name="End this mentorship").click()
        await page.wait_for_url(re.compile(r"done=ended_for_conduct_by_mentor"))
        await page.context.clear_cookies()

        # The coordinator is emailed, naming nobody (the program keeps its members private: not even its name in
        # the subject); between shifts, on a phone, they follow its link to the console's home.
        def asked() -> list[dict]:
            return [m for m in platform.sink.messages(to=emails["coordinator"])
                    if m["subject"] == "A report of conduct to look into"]
        [email] = await eventually(asked, timeout=60, what="the coordinator's email asking them to look into it")
        text = " ".join(email["text"].split())
        assert f"A mentor in Near-peers {run} ended their mentorship over a problem of conduct" in text
        assert f"Mentee {run}" not in text and f"Mentor {run}" not in text
        [console_link] = re.findall(rf"{re.escape(platform.web)}/console\b", email["text"])
        await sign_in(page, platform, emails["coordinator"])
        held = page.get_by_role("link", name=f"1 mentee to look into: their mentor reported a problem of conduct, "
                                             f"in Near-peers {run}")

        async def on_the_home():
            await page.goto(console_link)
            return await held.count()
        await eventually(on_the_home, timeout=60, what="the mentee held for review, on the console's home")
        await held.click()
        listed = page.locator("#results li.card")
        await expect(listed).to_have_count(1)
        await expect(listed).to_contain_text(f"Near-peers {run}: Mentee, under review after a report of conduct")
        await listed.get_by_role("link", name=f"Mentee {run}").click()
        await page.get_by_label("Note (kept in the audit trail)").fill("Spoke with both; resolved")
        await page.get_by_role("button", name=re.compile("Looked into: resume them")).click()
        await page.wait_for_url(re.compile(r"done=review_cleared"))
        await page.goto("/console")
        await expect(held).to_have_count(0)

    # The mentee is told their pause is over (what the review found is the coordinator's to say).
    resumed = await eventually(lambda: [m for m in platform.sink.messages(to=emails["mentee"])
                                        if m["subject"] == "You can be paired with a mentor again"],
                               timeout=60, what="the mentee's email that they can be paired again")
    assert "has looked into how your last mentorship ended, and your pause is over" in " ".join(
        resumed[0]["text"].split())
