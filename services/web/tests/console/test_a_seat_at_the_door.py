"""Someone waiting who comes to the door, as a coordinator running the event on her phone finds them: before it begins
a seat freed goes to the first waiting by itself; once it has begun it goes to nobody by itself, so the page says so
and, while a seat is free, gives it to the one who came, checking them in (with HTMX and without JavaScript)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from .fakes import CSRF, as_


def begun(world: dict, seats_free: int) -> dict:
    """The world's event began ten minutes ago, check-in open; of its two seats, `seats_free` are free (Dr. Ana
    Reyes cancelled late, if one)."""
    event = world["event"]
    now = datetime.now(UTC)
    event.update(starts_at=(now - timedelta(minutes=10)).isoformat(), ends_at=(now + timedelta(hours=2)).isoformat())
    world["s"].open_check_in(event)
    if seats_free:
        next(r for r in world["s"].roster[event["id"]] if r["person_id"] == world["mentor"]["id"])["status"] = "cancelled"
    return event


def row_of(page: str, person: dict) -> str:
    return html.unescape(re.search(rf'<li id="p-{person["id"]}".*?</li>', page, re.S)[0])


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "without javascript"])
async def test_once_begun_a_free_seat_is_given_to_someone_waiting_at_the_door_who_is_checked_in_with_it(world, htmx):
    s, event, waiting = world["s"], begun(world, seats_free=1), world["waiting"]
    action = f"/console/events/{event['id']}/check-in/{waiting['id']}"
    async with as_(world, "coordinator")[0] as page:
        found = row_of((await page.get(f"/console/events/{event['id']}/check-in", params={"q": "cleo"})).text, waiting)
        answer = await page.post(action, data={"csrf": CSRF, "q": "cleo", "seat": "1"},
                                 headers={"hx-request": "true"} if htmx else {})

    assert "Cleo Waiting is number 1 on the waitlist, and a seat is free." in found
    assert f'action="{action}"' in found and f'hx-post="{action}"' in found
    assert f'name="csrf" value="{CSRF}"' in found and 'name="seat" value="1"' in found
    assert ">Give Cleo Waiting a free seat and check them in</button>" in found
    assert [(c.method, c.path) for c in s.calls_to("events") if c.method != "GET"] == [
        ("POST", f"/v1/events/{event['id']}/registrations/{waiting['id']}/seat-at-the-door")]
    if htmx:
        assert answer.headers["hx-retarget"] == "#check-in-list" and "Undo: Cleo Waiting" in row_of(answer.text, waiting)
        assert 'data-announce="Cleo Waiting is checked in."' in row_of(answer.text, waiting)
        assert '<p class="lead" id="arrived" hx-swap-oob="true" data-oob>1 of 2 checked in.</p>' in answer.text
    else:
        assert (answer.status_code, answer.headers["location"]) == (
            303, f"/console/events/{event['id']}/check-in?q=cleo#p-{waiting['id']}")


@pytest.mark.parametrize("language, said", [
    ("en", "Cleo Waiting is number 1 on the waitlist, and no seat is free. Since the event has begun, a seat freed "
           "now is not given to anyone automatically: you can give it to someone here."),
    ("es", "Cleo Waiting tiene el número 1 en la lista de espera y no hay ningún lugar libre. Como el evento ya "
           "empezó, un lugar que se libere ahora no se le da a nadie automáticamente: puedes dárselo a alguien que "
           "esté aquí.")])
async def test_once_begun_with_every_seat_taken_the_door_says_a_freed_seat_is_given_here_not_by_email(
        world, language, said):
    event, waiting = begun(world, seats_free=0), world["waiting"]
    async with as_(world, "coordinator", language)[0] as page:
        found = row_of((await page.get(f"/console/events/{event['id']}/check-in", params={"q": "cleo"})).text, waiting)
    assert said in found
    assert "<form" not in found and "por correo" not in found and "by email" not in found


async def test_before_it_begins_the_door_says_a_freed_seat_goes_to_the_first_waiting_with_no_button(world):
    event, waiting = world["event"], world["waiting"]
    starts = datetime.now(UTC) + timedelta(hours=2)
    event.update(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
    world["s"].open_check_in(event)
    async with as_(world, "coordinator")[0] as page:
        found = row_of((await page.get(f"/console/events/{event['id']}/check-in", params={"q": "cleo"})).text, waiting)
    assert ("Cleo Waiting is number 1 on the waitlist: they have no seat to check in to. A seat that comes free goes "
            "to the first waiting, who is told by email.") in found
    assert "<form" not in found


@pytest.mark.parametrize("language, words", [
    ("en", "Every seat is taken now: nobody can be given one until one is freed."),
    ("es", "Ya no queda ningún lugar libre: no se le puede dar uno a nadie hasta que se libere alguno.")])
async def test_a_seat_taken_by_another_phone_first_is_said_by_the_name_and_the_row_says_none_is_free(
        world, language, words):
    s, event, waiting = world["s"], begun(world, seats_free=1), world["waiting"]
    seat = f"/v1/events/{event['id']}/registrations/{waiting['id']}/seat-at-the-door"
    s.refuse[("POST", seat)] = (409, "no_free_seat", "capacity")
    # The other phone seated someone else meanwhile: events' roster says every seat is taken.
    next(r for r in s.roster[event["id"]] if r["person_id"] == world["mentor"]["id"])["status"] = "confirmed"
    action = f"/console/events/{event['id']}/check-in/{waiting['id']}"
    async with as_(world, "coordinator", language)[0] as page:
        swapped = await page.post(action, data={"csrf": CSRF, "q": "cleo", "seat": "1"},
                                  headers={"hx-request": "true"})
        plain = await page.post(action, data={"csrf": CSRF, "q": "cleo", "seat": "1"})
    for answer in (swapped, plain):
        row = row_of(answer.text, waiting)
        assert f'<span class="field-error" role="alert">{words}</span>' in row
        assert "<form" not in row, "no button events would only refuse"
    assert plain.status_code == 409


# --- the door without a search: the seats free and those waiting, as the coordinator needs them at a glance -------

def another_waiting(world: dict, name: str) -> dict:
    """`name` registered after Cleo Waiting, and waits behind her."""
    s, event = world["s"], world["event"]
    person = s.person(name, stage="undergraduate")
    place = 1 + sum(r["status"] == "waitlisted" for r in s.roster[event["id"]])
    s.roster[event["id"]].append({"id": f"r-{name}", "person_id": person["id"], "status": "waitlisted",
                                  "waitlist_position": place})
    return person


def seats_line(page: str) -> str:
    return html.unescape(re.search(r'<p id="seats"[^>]*>(.*?)</p>', page, re.S)[1])


async def test_once_begun_with_a_seat_free_the_check_in_page_lists_those_waiting_in_order_each_with_a_seat_to_give(
        world):
    event, cleo = begun(world, seats_free=1), world["waiting"]
    dana = another_waiting(world, "Dana Later")
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/events/{event['id']}/check-in")).text

    assert seats_line(text) == "1 seat is free. 2 people are waiting for a seat."
    assert text.index(f'id="p-{cleo["id"]}"') < text.index(f'id="p-{dana["id"]}"')
    assert ">Give Cleo Waiting a free seat and check them in</button>" in row_of(text, cleo)
    assert ">Give Dana Later a free seat and check them in</button>" in row_of(text, dana)


@pytest.mark.parametrize("minutes, seats_free, said", [
    (120, 1, "1 seat is free. 1 person is waiting for a seat."),
    (-10, 0, "No seat is free. 1 person is waiting for a seat.")], ids=["before it begins", "begun and full"])
async def test_without_a_seat_to_give_the_check_in_page_says_how_many_wait_without_listing_them(
        world, minutes, seats_free, said):
    event, cleo = begun(world, seats_free), world["waiting"]
    starts = datetime.now(UTC) + timedelta(minutes=minutes)
    event.update(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(f"/console/events/{event['id']}/check-in")).text

    assert seats_line(text) == said
    assert f'id="p-{cleo["id"]}"' not in text


async def test_giving_the_last_free_seat_says_at_once_that_no_seat_is_free(world):
    event, cleo = begun(world, seats_free=1), world["waiting"]
    async with as_(world, "coordinator")[0] as page:
        answer = await page.post(f"/console/events/{event['id']}/check-in/{cleo['id']}",
                                 data={"csrf": CSRF, "seat": "1"}, headers={"hx-request": "true"})

    assert '<p id="seats" hx-swap-oob="true" data-oob>No seat is free.</p>' in answer.text


@pytest.mark.parametrize("language, second, third", [
    ("en", "Cleo Waiting is ahead of them in line.",
     "2 people are ahead of them in line, starting with Cleo Waiting."),
    ("es", "Cleo Waiting va antes en la lista de espera.",
     "Hay 2 personas antes en la lista de espera, empezando por Cleo Waiting.")])
async def test_a_seat_offered_to_someone_not_first_in_line_says_who_is_ahead_of_them(world, language, second, third):
    event, cleo = begun(world, seats_free=1), world["waiting"]
    dana, eli = another_waiting(world, "Dana Later"), another_waiting(world, "Eli Last")
    async with as_(world, "coordinator", language)[0] as page:
        listed = (await page.get(f"/console/events/{event['id']}/check-in")).text
        found = (await page.get(f"/console/events/{event['id']}/check-in", params={"q": "eli"})).text

    assert second in row_of(listed, dana) and third in row_of(listed, eli)
    assert third in row_of(found, eli)
    assert "ahead" not in row_of(listed, cleo) and "antes" not in row_of(listed, cleo)


async def test_a_seat_given_with_htmx_answers_the_whole_list_so_no_one_else_is_still_offered_the_seat_just_given(
        world):
    event, cleo = begun(world, seats_free=1), world["waiting"]
    dana = another_waiting(world, "Dana Later")
    async with as_(world, "coordinator")[0] as page:
        answer = await page.post(f"/console/events/{event['id']}/check-in/{cleo['id']}",
                                 data={"csrf": CSRF, "seat": "1"}, headers={"hx-request": "true"})

    assert (answer.headers["hx-retarget"], answer.headers["hx-reswap"]) == ("#check-in-list", "outerHTML")
    listed = answer.text
    assert listed.lstrip().startswith('<ul class="check-in" id="check-in-list">')
    assert "Undo: Cleo Waiting" in row_of(listed, cleo) and "data-focus" in row_of(listed, cleo)
    assert f'id="p-{dana["id"]}"' not in listed, "no seat is left to give Dana: the unsearched list lists nobody waiting"
    assert listed.count("data-focus") == 1
    assert '<p id="seats" hx-swap-oob="true" data-oob>No seat is free. 1 person is waiting for a seat.</p>' in listed


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "without javascript"])
async def test_once_begun_and_full_a_seat_whose_holder_has_not_come_is_released_at_the_door_for_someone_waiting(
        world, htmx):
    # The page said a seat could be given here but offered no way to free one: the coordinator had to leave for the
    # event's page, find "Remove" and type a reason, on a phone, at the door.
    s, event, mentor, cleo = world["s"], begun(world, seats_free=0), world["mentor"], world["waiting"]
    action = f"/console/events/{event['id']}/check-in/{mentor['id']}/release"
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get(f"/console/events/{event['id']}/check-in")).text
        answer = await page.post(action, data={"csrf": CSRF, "q": "", "reason": "You had not arrived."},
                                 headers={"hx-request": "true"} if htmx else {})
        after = (await page.get(f"/console/events/{event['id']}/check-in", params={"q": "cleo"})).text

    assert "Release Dr. Ana Reyes's seat…" in row_of(listed, mentor) and f'action="{action}"' in listed
    assert "so your seat was freed for someone waiting" in row_of(listed, mentor)  # a reason offered, to edit
    assert [(c.method, c.path, c.body) for c in s.calls_to("events") if c.method != "GET"] == [
        ("POST", f"/v1/events/{event['id']}/registrations/{mentor['id']}/remove", {"reason": "You had not arrived."})]
    if htmx:
        assert answer.headers["hx-retarget"] == "#check-in-list"
        assert '<p id="seats" hx-swap-oob="true" data-oob>1 seat is free. 1 person is waiting for a seat.</p>' in answer.text
        assert ">Give Cleo Waiting a free seat and check them in</button>" in answer.text
        assert "data-focus" in row_of(answer.text, cleo) and answer.text.count("data-focus") == 1
        assert 'data-announce="Dr. Ana Reyes&#39;s seat is released, and they are emailed why."' in answer.text
        # Seen too, not only heard: the row just went.
        assert ('<div id="check-in-done" hx-swap-oob="true" data-oob><p class="notice ok">Dr. Ana Reyes&#39;s seat is '
                'released, and they are emailed why.</p></div>') in answer.text
    else:
        assert answer.status_code == 303 and "done=seat_released" in answer.headers["location"]
    assert ">Give Cleo Waiting a free seat and check them in</button>" in row_of(after, cleo)


async def test_a_seat_is_not_offered_for_release_before_the_event_begins_or_while_nobody_waits(world):
    event, mentor = world["event"], world["mentor"]
    starts = datetime.now(UTC) + timedelta(hours=2)
    event.update(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
    world["s"].open_check_in(event)
    async with as_(world, "coordinator")[0] as page:
        before = (await page.get(f"/console/events/{event['id']}/check-in")).text
        begun(world, seats_free=0)
        world["s"].roster[event["id"]] = [r for r in world["s"].roster[event["id"]] if r["status"] != "waitlisted"]
        nobody_waits = (await page.get(f"/console/events/{event['id']}/check-in")).text
    assert "Release" not in row_of(before, mentor) and "Release" not in row_of(nobody_waits, mentor)


async def test_releasing_a_seat_without_a_reason_asks_for_one_and_removes_nobody(world):
    s, event, mentor = world["s"], begun(world, seats_free=0), world["mentor"]
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{event['id']}/check-in/{mentor['id']}/release",
                                  data={"csrf": CSRF, "reason": "  "})
    row = row_of(refused.text, mentor)
    assert refused.status_code == 422 and "<details open>" in row
    # Next to the reason's box, which it describes, emptied as it was sent (not given the offered reason again).
    assert re.search(r'<p class="field-error" id="release-[^"]+-error" data-focus>Give a reason.</p>\s*<textarea [^>]*'
                     r'aria-invalid="true" aria-describedby="release-[^"]+-error">\s*</textarea>', row), row
    assert not [c for c in s.calls_to("events") if c.method != "GET"]


async def test_releasing_a_seat_with_htmx_without_a_reason_swaps_in_the_list_asking_for_one_next_to_its_box(world):
    # Answered 422 with the whole page, which HTMX swaps not: nothing was said, and focus fell to the page's top.
    s, event, mentor = world["s"], begun(world, seats_free=0), world["mentor"]
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/events/{event['id']}/check-in/{mentor['id']}/release",
                                  data={"csrf": CSRF, "reason": "   "}, headers={"hx-request": "true"})
    assert refused.status_code == 200 and refused.headers["hx-retarget"] == "#check-in-list"
    assert refused.text.lstrip().startswith('<ul class="check-in" id="check-in-list"')
    row = row_of(refused.text, mentor)
    assert "<details open>" in row and 'data-focus>Give a reason.</p>' in row and 'aria-invalid="true"' in row
    assert not [c for c in s.calls_to("events") if c.method != "GET"]


async def test_someone_not_registered_searched_for_at_the_door_is_said_so_with_what_to_do_and_a_way_back_to_everyone(
        world):
    # "Nobody with a seat matches." read alike for a typo and for a walk-in who never registered.
    event = begun(world, seats_free=1)
    async with as_(world, "coordinator")[0] as page:
        found = (await page.get(f"/console/events/{event['id']}/check-in", params={"q": "Sam Okafor"})).text
    said = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(found)).split())
    assert ("Nobody registered for this event matches “Sam Okafor”. Check the spelling; someone who never registered "
            "can register on their own phone while a seat is free.") in said
    assert f'<a href="/console/events/{event["id"]}/check-in">Show everyone</a>' in found
