"""What an organizer does with an event between shifts: close its registration now, start the next one from a copy,
and tell those who registered something they need to know (the room moved, bring photo ID)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from .fakes import CSRF, as_


def soon(world: dict) -> dict:
    """The world's event, starting in three days, its registration open for two more."""
    event = world["event"]
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    event.update(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat(),
                 registration_deadline=(starts - timedelta(days=1)).isoformat())
    return event


def field(page: str, name: str) -> str | None:
    """The value an input of the form is filled in with (None: no such input, or none given)."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    value = re.search(r'value="([^"]*)"', found[0]) if found else None
    return html.unescape(value[1]) if value else None


async def test_a_coordinator_closes_registration_now_and_the_event_says_it_is_closed(world):
    s, event = world["s"], soon(world)
    close = f"/console/events/{event['id']}/close-registration"
    async with as_(world, "coordinator")[0] as page:
        before = await page.get(f"/console/events/{event['id']}")
        closed = await page.post(close, data={"csrf": CSRF})
        after = await page.get(closed.headers["location"])
    assert "Registration closes" in before.text and f'action="{close}"' in before.text
    assert closed.status_code == 303 and closed.headers["location"] == f"/console/events/{event['id']}?done=registration_closed"
    [patch] = s.calls_to("events", "PATCH")
    assert set(patch.body) == {"registration_deadline"}
    assert abs(datetime.fromisoformat(patch.body["registration_deadline"]) - datetime.now(UTC)) < timedelta(minutes=1)
    assert "Registration is closed: nobody else can register." in after.text
    assert "Registration closed" in after.text and f'action="{close}"' not in after.text


async def test_closing_registration_is_offered_only_while_it_is_open_and_the_event_published(world):
    event = soon(world)
    close = f'action="/console/events/{event["id"]}/close-registration"'
    async with as_(world, "coordinator")[0] as page:
        event["registration_deadline"] = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        past = await page.get(f"/console/events/{event['id']}")
        event.update(registration_deadline=(datetime.now(UTC) + timedelta(days=1)).isoformat(), state="draft")
        draft = await page.get(f"/console/events/{event['id']}")
    assert close not in past.text and "Registration closed" in past.text
    assert close not in draft.text


async def test_a_draft_shows_what_publishing_it_lists_to_check_it_before_it_goes_out_and_that_nobody_is_emailed(world):
    event = soon(world)
    event.update(state="draft", kind="career_fair", is_virtual=False, location="Rush Medical College, Room 500",
                 capacity=120, audience_stages=["high_school", "undergraduate"],
                 description="Meet the programs.\n\nBring questions.")
    async with as_(world, "coordinator")[0] as page:
        draft = " ".join((await page.get(f"/console/events/{event['id']}")).text.split())
        event["state"] = "published"
        published = (await page.get(f"/console/events/{event['id']}")).text
    facts = draft.split("What publishing lists")[1]
    for said in ("Career fair", "Rush Medical College, Room 500", "<dd>120</dd>", "High-school student",
                 "<p>Meet the programs.</p><p>Bring questions.</p>"):
        assert said in facts, said
    # It said "announces", and nobody was emailed: an organiser waited for registrations it would have brought.
    assert "Publishing lists it on the Events page for its chapter's members to find and register; nobody is " \
           "emailed about it." in facts
    assert "What publishing lists" not in published


async def test_another_chapters_coordinator_cannot_close_its_registration(world):
    s, other = world["s"], world["other_event"]
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{other['id']}/close-registration", data={"csrf": CSRF})
    # Only its organisers are shown the button: pressed, it was while they were (a role taken back since), and a
    # published event is no secret (anyone signed in reads it).
    assert refused.status_code == 403 and not s.calls_to("events", "PATCH")
    assert "You are no longer a coordinator of this chapter" in refused.text


async def test_a_coordinator_starts_the_next_event_from_a_copy_choosing_its_dates_again(world):
    event = soon(world)
    event.update(description="Bring gloves.", capacity=24, audience_stages=["undergraduate"], attendees_public=False)
    async with as_(world, "coordinator")[0] as page:
        shown = await page.get(f"/console/events/{event['id']}")
        copy = await page.get(f"/console/events/new?from={event['id']}")
    assert f'href="/console/events/new?from={event["id"]}"' in shown.text
    assert copy.status_code == 200 and "Copied from «Suturing workshop»" in copy.text
    assert field(copy.text, "title") == "Suturing workshop" and field(copy.text, "location") == "Room 1"
    assert field(copy.text, "capacity") == "24" and "Bring gloves.</textarea>" in copy.text
    assert re.search(r'<option value="workshop"\s+selected', copy.text)
    assert re.search(r'value="undergraduate"[^>]*checked', copy.text)
    for moment in ("starts_at", "ends_at", "registration_deadline"):
        assert not field(copy.text, moment), f"{moment} is chosen again"
    assert 'action="/console/events/new"' in copy.text


async def test_copying_an_event_the_coordinator_does_not_organise_starts_from_an_empty_form(world):
    async with as_(world, "coordinator")[0] as page:
        copy = await page.get(f"/console/events/new?from={world['other_event']['id']}")
        nonsense = await page.get("/console/events/new?from=not-an-id")
    assert copy.status_code == nonsense.status_code == 200
    assert "Miami mixer" not in copy.text and not field(copy.text, "title") and "Copied from" not in copy.text


def message_id(page: str) -> str:
    found = re.search(r'name="message_id" value="([^"]+)"', page)
    assert found, "the form carries its message's id"
    return found[1]


async def test_an_event_nobody_waits_for_offers_no_message_to_its_waitlist(world):
    # It offered "Also the waitlist (2 people)", counting those with a seat, when nobody waited.
    s, event = world["s"], soon(world)
    s.roster[event["id"]] = [r for r in s.roster[event["id"]] if r["status"] == "confirmed"]
    async with as_(world, "coordinator")[0] as page:
        form = await page.get(f"/console/events/{event['id']}/message")
    assert "Everyone with a seat (2 people)" in form.text
    assert 'value="seated_and_waitlisted"' not in form.text and "waitlist" not in form.text.lower()
    # As notifications sends it: news of an event, by email to those who did not turn those emails off.
    assert "gets it by email unless they turned off emails about events" in form.text


async def test_a_coordinator_tells_those_with_a_seat_that_the_room_moved(world):
    s, event = world["s"], soon(world)
    write = f"/console/events/{event['id']}/message"
    async with as_(world, "coordinator")[0] as page:
        shown = await page.get(f"/console/events/{event['id']}")
        form = await page.get(write)
        chosen = message_id(form.text)
        sent = await page.post(write, data={"csrf": CSRF, "message_id": chosen, "to": "seated",
                                            "body": "  We moved to Room 4, same floor.\n\nBring photo ID.  "})
        again = await page.post(write, data={"csrf": CSRF, "message_id": chosen, "to": "seated",
                                             "body": "We moved to Room 4, same floor."})  # sent twice by mistake
        after = await page.get(sent.headers["location"])
    assert f'href="{write}"' in shown.text
    assert form.status_code == 200 and "Everyone with a seat (2 people)" in form.text
    assert "Everyone with a seat and the 1 person waiting" in form.text
    assert sent.status_code == again.status_code == 303
    assert sent.headers["location"] == f"{write}?done=message_sent"
    [post] = [c for c in s.calls_to("notifications", "POST") if c.path.endswith("/messages")][:1]
    assert post.path == f"/v1/events/{event['id']}/messages"
    assert post.body == {"message_id": chosen, "to": "seated", "body": "We moved to Room 4, same floor.\n\nBring photo ID."}
    assert len(s.messages[event["id"]]) == 1, "the same message is sent once"
    assert "The message is on its way to 2 people." in after.text
    assert "We moved to Room 4, same floor." in after.text and "Carla Coordinator" in after.text
    assert message_id(after.text) != chosen, "the next message is a new one"


async def test_the_same_words_sent_again_from_another_copy_of_the_form_are_asked_about_before_going_twice(world):
    # Back after sending brought the words into a new form (a new message id): sent again, everyone got it twice.
    s, event = world["s"], soon(world)
    write = f"/console/events/{event['id']}/message"
    words = "We moved to Room 4, same floor."
    async with as_(world, "coordinator")[0] as page:
        await page.post(write, data={"csrf": CSRF, "message_id": message_id((await page.get(write)).text),
                                     "to": "seated", "body": words})
        second_copy = message_id((await page.get(write)).text)
        asked = await page.post(write, data={"csrf": CSRF, "message_id": second_copy, "to": "seated",
                                             "body": f"{words}\n"})
        to_others = await page.post(write, data={"csrf": CSRF, "message_id": second_copy,
                                                 "to": "seated_and_waitlisted", "body": words})
        confirmed = await page.post(write, data={"csrf": CSRF, "message_id": str(uuid4()), "to": "seated",
                                                 "body": words, "again": "yes"})
    assert asked.status_code == 409
    assert ("This message went to them already, on Tue, Dec 8, 2026, 9:00\u202fAM CST. Send it again?"
            in asked.text)
    assert 'name="again" value="yes"' in asked.text and "Send it again</button>" in asked.text
    assert f"{words}\n</textarea>" in asked.text or f"{words}</textarea>" in asked.text
    assert to_others.status_code == confirmed.status_code == 303, "other people, or asked and confirmed: sent"
    assert [m["to"] for m in s.messages[event["id"]]] == ["seated", "seated_and_waitlisted", "seated"]


async def test_an_empty_message_is_asked_for_next_to_its_field_and_nothing_is_sent(world):
    s, event = world["s"], soon(world)
    write = f"/console/events/{event['id']}/message"
    async with as_(world, "coordinator")[0] as page:
        chosen = message_id((await page.get(write)).text)
        empty = await page.post(write, data={"csrf": CSRF, "message_id": chosen, "to": "seated", "body": "   "})
        nobody = await page.post(write, data={"csrf": CSRF, "message_id": chosen, "to": "everyone", "body": "Hi"})
    assert empty.status_code == nobody.status_code == 422
    assert 'id="body-error"' in empty.text and 'aria-invalid="true"' in empty.text
    assert 'id="to-error"' in nobody.text
    assert message_id(empty.text) == chosen, "a retry after fixing it is still the same message"
    assert not [c for c in s.calls_to("notifications", "POST") if c.path.endswith("/messages")]


async def test_what_notifications_refuses_is_said_on_the_form_with_the_text_kept(world):
    s, event = world["s"], soon(world)
    write = f"/console/events/{event['id']}/message"
    s.refuse[("POST", f"/v1/events/{event['id']}/messages")] = (429, "too_many_messages", None)
    async with as_(world, "coordinator")[0] as page:
        chosen = message_id((await page.get(write)).text)
        refused = await page.post(write, data={"csrf": CSRF, "message_id": chosen, "to": "seated",
                                               "body": "Parking is on Level 2."})
    assert refused.status_code == 429
    assert "Five messages have gone to this event's registrants in the last day" in html.unescape(refused.text)
    assert "Parking is on Level 2.</textarea>" in refused.text


async def test_another_chapters_coordinator_cannot_message_its_registrants(world):
    s, other = world["s"], world["other_event"]
    write = f"/console/events/{other['id']}/message"
    async with as_(world, "coordinator")[0] as page:
        shown = await page.get(write)
        refused = await page.post(write, data={"csrf": CSRF, "message_id": "0b5f0f0e-5b1a-4a45-8c0e-7d4f6a1b2c3d",
                                               "to": "seated", "body": "Hello"})
    assert shown.status_code == refused.status_code == 404
    assert not s.calls_to("notifications")


async def test_a_message_notifications_finds_empty_is_refused_next_to_its_field_and_one_whose_sender_is_gone_is_kept(world):
    s, event = world["s"], soon(world)
    write = f"/console/events/{event['id']}/message"
    s.messages[event["id"]] = [{"message_id": "9c1d4f4e-1b57-4b8a-9a36-5d2b0f3c7e11", "scheduled_event_id": event["id"],
                                "body": "Thanks for coming!", "to": "seated", "recipients": 2, "sent_by": None,
                                "sent_at": "2026-12-01T15:00:00+00:00"}]
    s.refuse[("POST", f"/v1/events/{event['id']}/messages")] = (422, "invalid_message", "body")
    async with as_(world, "coordinator")[0] as page:
        form = await page.get(write)
        refused = await page.post(write, data={"csrf": CSRF, "message_id": message_id(form.text), "to": "seated",
                                               "body": "\u200b"})
    assert form.status_code == 200 and "Thanks for coming!" in form.text and "Unknown" in form.text
    assert refused.status_code == 422 and 'id="body-error"' in refused.text
    assert not [c for c in s.calls_to("profiles") if c.body and None in (c.body.get("ids") or [])]


async def test_an_events_pages_say_its_times_are_in_its_own_zone_not_the_staff_members(world):
    # A coordinator in Chicago organizing an event in Los Angeles: its times are the event's (PST), as a check-in
    # desk and its registrants read them, and the page's footer says so rather than naming Chicago.
    event = soon(world)
    event["timezone"] = "America/Los_Angeles"
    async with as_(world, "coordinator")[0] as page:
        shown = [await page.get(path) for path in (
            f"/console/events/{event['id']}", "/console/events", f"/console/events/{event['id']}/message",
            f"/console/events/{event['id']}/cancel")]
    for answer in shown:
        assert answer.status_code == 200, answer.url
        assert "PST" in answer.text, answer.url
        assert "Times are shown in your time zone" not in answer.text, answer.url
        assert "An event's times are shown in its own time zone, where it takes place." in answer.text, answer.url
    async with as_(world, "coordinator")[0] as page:
        home = await page.get("/console")
    assert "Times are shown in your time zone (Central Time, Chicago)." in home.text


@pytest.mark.parametrize("language, warning", [
    ("en", "This event is online but has no link to join yet: people with a seat will not know how to join."),
    ("es", "Este evento es en línea pero aún no tiene enlace para unirse: quienes tengan lugar no sabrán cómo unirse.")])
async def test_an_online_event_without_a_link_to_join_warns_by_its_publish_button_and_next_to_the_link(
        world, language, warning):
    s = world["s"]
    event = s.event("Interview practice", state="draft")
    event.update(is_virtual=True, location=None, virtual_link=None)
    async with as_(world, "coordinator", language)[0] as page:
        shown = (await page.get(f"/console/events/{event['id']}")).text
        form = (await page.get(f"/console/events/{event['id']}/edit")).text
        event["virtual_link"] = "https://meet.example/practice"
        linked = (await page.get(f"/console/events/{event['id']}")).text
    assert warning in shown and f'href="/console/events/{event["id"]}/edit#virtual_link"' in shown
    assert shown.index(warning) < shown.index(f'action="/console/events/{event["id"]}/publish"')
    assert f'<p class="field-warning" id="virtual_link-warning">{warning}' in form
    assert re.search(r'id="virtual_link"[^>]*aria-describedby="[^"]*virtual_link-warning', form)
    assert warning not in linked


async def test_check_in_buttons_show_only_once_check_in_is_open_and_before_then_the_pages_say_when_it_opens(world):
    s, event, mentee = world["s"], world["event"], world["mentee"]
    s.check_in_later(event)
    async with as_(world, "coordinator")[0] as page:
        shown = (await page.get(f"/console/events/{event['id']}")).text
        checking = (await page.get(f"/console/events/{event['id']}/check-in")).text
        s.open_check_in(event)
        shown_open = (await page.get(f"/console/events/{event['id']}")).text
        checking_open = (await page.get(f"/console/events/{event['id']}/check-in")).text
    assert "Check people in" not in shown and "Check-in opens on Thu, Dec 10, 2099, 12:00\u202fAM CST" in shown
    assert "Check in Ben Student" not in checking and f'<li id="p-{mentee["id"]}"' in checking
    assert "Check people in" in shown_open and "Check in Ben Student" in checking_open


async def test_a_new_event_has_no_kind_chosen_for_the_coordinator_and_one_left_unchosen_is_asked_for(world):
    # A career fair saved as a "chapter session" because that came first is announced as one.
    async with as_(world, "coordinator")[0] as page:
        form = (await page.get("/console/events/new")).text
        unchosen = await page.post("/console/events/new", data={"csrf": CSRF, "title": "Spring fair", "kind": ""})
    kinds = re.search(r'<select id="kind".*?</select>', form, re.S)[0]
    assert '<option value="">Choose one</option>' in kinds and "selected" not in kinds
    assert unchosen.status_code == 422 and 'id="kind-error"' in unchosen.text
    # The page's note on times speaks of the zone chosen on the form, not of the coordinator's own.
    assert "The times you enter are in the time zone chosen above them" in form
    assert "Times are shown in your time zone" not in form
