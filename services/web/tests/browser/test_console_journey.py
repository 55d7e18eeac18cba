"""Issue 12 in the browser, on the whole platform: a coordinator uploads a CSV of 20 mentors with two bad rows and
invites the rest (the same file again invites nobody); two mentors sign in by the emailed link, complete their
profiles and join the program, and the coordinator approves them."""

from __future__ import annotations

import re
from uuid import uuid4

from devinfra.smtp_sink import addressed_to
from playwright.async_api import Browser, expect
from plumbing.testing import eventually

from ..conftest import SIGN_IN_LINK, Platform, sign_in

DESKTOP = {"width": 1280, "height": 900}


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


async def test_a_coordinator_invites_from_a_csv_and_approves_two_mentors_who_signed_in_by_the_emailed_link(
        platform: Platform, browser: Browser):
    world = await staff_world(platform)
    program, run = world["program"], world["run"]
    csv, emails = mentors_csv(run)
    coordinator = await browser.new_context(base_url=platform.web, viewport=DESKTOP, locale="en-US")
    coordinator.set_default_timeout(20_000)
    try:
        page = await coordinator.new_page()
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

        # Two mentors sign in by the emailed link, complete their profiles and join the program.
        for email in emails[:2]:
            mentor = await browser.new_context(base_url=platform.web, viewport={"width": 390, "height": 844},
                                               locale="en-US")
            mentor.set_default_timeout(20_000)
            try:
                own = await mentor.new_page()
                await own.goto(await invitation_link(platform, email))
                await own.locator("form[action^='/sign-in/'] button").click()
                await own.wait_for_url(re.compile(r"/(\?.*)?$"))
                await own.goto("/sign-up/interests")
                await own.locator("input[name=specialties][value=emergency_medicine]").check()
                await own.locator("form[action='/sign-up/interests'] button[type=submit]").click()
                await own.wait_for_url(re.compile(r"/sign-up/identity"))
                await own.locator("form[action='/sign-up/identity'] button[type=submit]").click()
                await own.wait_for_url(re.compile(r"/sign-up/enrol"))
                await own.locator(f"input[name=program_id][value='{program['id']}']").check()
                await own.locator("input[name=role][value=mentor]").check()
                await own.locator("#capacity").fill("2")
                await own.locator("form[action='/sign-up/enrol'] button[type=submit]").click()
                await own.wait_for_url(re.compile(r"/\?enrolled=1"))
            finally:
                await mentor.close()

        # The coordinator approves them.
        await page.goto(f"/console/vetting?program_id={program['id']}")
        for i in (0, 1):
            name = f"Dr. Mentor {i} {run}"
            await page.get_by_role("button", name=f"Approve {name}").click()
            await expect(page.get_by_text(f"{name}: The mentor is approved.")).to_be_visible()
        await page.goto(f"/console/vetting?program_id={program['id']}")
        await expect(page.get_by_text("Nobody is waiting for approval.")).to_be_visible()
    finally:
        await coordinator.close()
    async with platform.client("profiles") as profiles:
        found = (await profiles.get("/v1/people", params={"program_id": program["id"], "role": "mentor",
                                                          "approval": "approved"})).json()
    assert sorted(p["display_name"] for p in found["items"]) == [f"Dr. Mentor 0 {run}", f"Dr. Mentor 1 {run}"]
