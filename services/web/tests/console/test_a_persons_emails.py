"""A person's emails on their console page, as staff read them to answer "I never got the email about the career
fair": an email about an event names the event, linked to its page, and one about a staff role says which role it
gave or took away."""

from __future__ import annotations

import html
import re

import pytest

from .fakes import as_, ident


def emails_section(page: str) -> list[str]:
    """The person page's emails, one text (its markup kept) each, newest first."""
    section = re.split(r">(?:Emails|Correos)</h2>", page)[1].split("</ul>")[0]
    return [html.unescape(item) for item in re.findall(r'<li class="row-item">(.*?)</li>', section, re.S)]


def emails_about_events(world: dict) -> dict:
    """Three emails to the mentee about the world's event, one about an event events no longer has, one that is
    about no event."""
    s, mentee, event = world["s"], world["mentee"], world["event"]
    s.deliveries.clear()
    about = {"scheduled_event_id": event["id"], "registration_id": ident()}
    return {
        "registered": s.delivery(mentee, "registration_confirmed", "sent", "2026-03-01T12:00:00+00:00", about),
        "removed": s.delivery(mentee, "registration_removed", "failed", "2026-03-02T12:00:00+00:00", about),
        "gone": s.delivery(mentee, "event_cancelled", "sent", "2026-03-03T12:00:00+00:00",
                           {"scheduled_event_id": ident()}),
        "welcome": s.delivery(mentee, "welcome", "sent", "2026-03-04T12:00:00+00:00"),
    }


async def test_an_administrator_reads_which_event_each_email_about_an_event_was_about(world):
    s, mentee, event = world["s"], world["mentee"], world["event"]
    emails_about_events(world)
    async with as_(world, "admin")[0] as page:
        text = (await page.get(f"/console/people/{mentee['id']}")).text
    welcome, gone, removed, registered = emails_section(text)
    link = f'<a href="/console/events/{event["id"]}">Suturing workshop</a>'
    assert f"Registered for an event: {link} · <strong>Sent</strong>" in registered
    assert f"Removed from an event: {link} · <strong>Refused on every try</strong>" in removed
    # Sending it again says which one too, to a screen reader.
    assert "(Removed from an event: Suturing workshop, " in removed
    # An event events no longer shows stays unnamed; an email about no event names none.
    assert "An event is cancelled · <strong>Sent</strong>" in gone and "/console/events/" not in gone
    assert "Welcome · <strong>Sent</strong>" in welcome
    # The event is asked for once, whatever the number of emails about it; what the emails were about comes from
    # the person's inbox, which notifications shows an administrator (to help them), not the delivery log.
    assert len(s.calls_to("events", "GET", f"/v1/events/{event['id']}")) == 1
    [inbox] = s.calls_to("notifications", "GET", rf"/v1/people/{mentee['id']}/inbox")
    assert inbox.claims["role"] == "admin"


async def test_a_coordinator_whom_notifications_does_not_show_the_inbox_reads_the_emails_unnamed(world):
    s, mentee = world["s"], world["mentee"]
    emails_about_events(world)
    async with as_(world, "coordinator")[0] as page:
        answer = await page.get(f"/console/people/{mentee['id']}")
    assert answer.status_code == 200
    registered = emails_section(answer.text)[-1]
    assert "Registered for an event · <strong>Sent</strong>" in registered
    assert not s.calls_to("notifications", "GET", r"/v1/people/.*/inbox"), "a person's inbox is not a coordinator's"


@pytest.mark.parametrize("language, parameters, said", [
    ("en", {"role": "coordinator", "granted": True}, "Made a coordinator of Chicago"),
    ("en", {"role": "coordinator", "granted": False}, "No longer a coordinator of Chicago"),
    ("en", {"role": "administrator", "granted": True}, "Made a national administrator"),
    ("en", {"role": "administrator", "granted": False}, "No longer a national administrator"),
    ("en", {}, "Their staff role changed"),
    ("es", {"role": "coordinator", "granted": True}, "Alta en la coordinación de Chicago"),
    ("es", {"role": "coordinator", "granted": False}, "Baja de la coordinación de Chicago"),
    ("es", {"role": "administrator", "granted": True}, "Alta en la administración nacional"),
    ("es", {"role": "administrator", "granted": False}, "Baja de la administración nacional"),
    ("es", {}, "Cambio en su rol de coordinación o administración")])
async def test_an_email_about_a_staff_role_says_which_role_was_given_or_taken_away(world, language, parameters,
                                                                                said):
    s, mentee = world["s"], world["mentee"]
    s.delivery(mentee, "staff_role_changed", "sent", "2026-03-09T12:00:00+00:00", parameters)
    async with as_(world, "admin", language)[0] as page:
        text = (await page.get(f"/console/people/{mentee['id']}")).text
    assert emails_section(text)[0].split(" · ")[1] == said


@pytest.mark.parametrize("language, said", [("en", "Their staff role changed"),
                                            ("es", "Cambio en su rol de coordinación o administración")])
async def test_an_email_about_a_staff_role_reads_plainly_where_nothing_says_which(world, language, said):
    # The emails that did not arrive come from the delivery log, which says no more than the kind.
    world["s"].delivery(world["waiting"], "staff_role_changed", "failed", "2026-03-05T12:00:00+00:00",
                        {"role": "coordinator", "granted": True})
    async with as_(world, "coordinator", language)[0] as page:
        text = (await page.get("/console/emails")).text
    assert said in html.unescape(text) and "staff_role_changed" not in text and "Made, or no longer" not in text


async def test_an_administrator_sees_a_persons_email_about_another_chapter_such_as_being_made_its_coordinator(world):
    # Made coordinator of a new chapter, a member of another read no such email on their page: the log was asked for
    # the emails of the person's own chapter.
    s, mentee = world["s"], world["mentee"]
    s.deliveries.clear()
    s.delivery(mentee, "staff_role_changed", "sent", "2026-03-09T12:00:00+00:00",
               {"role": "coordinator", "granted": True, "chapter_id": s.other_chapter}, chapter_id=s.other_chapter)
    async with as_(world, "admin")[0] as page:
        text = (await page.get(f"/console/people/{mentee['id']}")).text
    [email] = emails_section(text)
    assert "Made a coordinator of" in email
