"""A meeting logged twice, or wrongly: the page says when the partner logged one the same day, and the one who
logged a meeting changes or deletes it (asked first); the partner's meetings are theirs alone."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from .pages import CSRF, browser
from .test_page_accessibility import summary_links
from .test_pages import MENTOR, PAIRING, an_active_term, error_next_to, its_page

MINE, THEIRS = 41, 42
ME_ID = an_active_term()["mentee_id"]
LOGGED = [
    {"id": MINE, "pairing_id": PAIRING, "met_on": "2026-12-05", "minutes": 40, "topics": ["MCAT", "school"],
     "logged_by": ME_ID, "logged_at": "2026-12-05T20:00:00+00:00"},
    {"id": THEIRS, "pairing_id": PAIRING, "met_on": "2026-12-05", "minutes": 40, "topics": ["MCAT"],
     "logged_by": MENTOR, "logged_at": "2026-12-05T19:00:00+00:00"}]
ALSO = "Dr Rivera also logged a meeting on December 5, 2026. If it was the same one, delete yours."


def with_meetings(**answers):
    return its_page(an_active_term(), **{f"GET /v1/pairings/{PAIRING}/meetings": LOGGED, **answers})


async def test_logging_a_meeting_on_a_day_the_partner_logged_one_says_so_and_to_delete_yours_if_the_same():
    services = with_meetings(**{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME_ID) as page:
        logged = await page.post(f"/mentorships/{PAIRING}/meetings", data={
            "csrf": CSRF, "met_on": "2026-12-05", "minutes": "40", "topics": "MCAT, school"})
        shown = await page.get(logged.headers["location"])
    assert logged.status_code == 303
    text = " ".join(shown.text.split())
    assert "Your meeting is logged." in text and ALSO in text, text


async def test_logging_a_meeting_on_a_day_the_partner_logged_none_says_only_that_it_is_logged():
    services = with_meetings(**{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME_ID) as page:
        logged = await page.post(f"/mentorships/{PAIRING}/meetings", data={
            "csrf": CSRF, "met_on": "2026-12-04", "minutes": "40", "topics": ""})
        shown = await page.get(logged.headers["location"])
    assert "Your meeting is logged." in shown.text and "also logged a meeting" not in shown.text


async def test_my_own_meetings_offer_change_and_delete_and_my_partners_offer_neither():
    async with browser(with_meetings(), ME_ID) as page:
        shown = await page.get(f"/mentorships/{PAIRING}")
    assert f'href="/mentorships/{PAIRING}/meetings/{MINE}/change"' in shown.text
    assert f'action="/mentorships/{PAIRING}/meetings/{MINE}/delete"' in shown.text
    assert f"/meetings/{THEIRS}/" not in shown.text


async def test_changing_my_meeting_shows_it_as_logged_and_sends_the_correction_to_matching():
    services = with_meetings(**{f"PATCH /v1/pairings/{PAIRING}/meetings/{MINE}": {}})
    async with browser(services, ME_ID) as page:
        form = await page.get(f"/mentorships/{PAIRING}/meetings/{MINE}/change")
        changed = await page.post(f"/mentorships/{PAIRING}/meetings/{MINE}/change", data={
            "csrf": CSRF, "met_on": "2026-12-04", "minutes": "55", "topics": "MCAT, interviews"})
    assert "<h1>Change a meeting with Dr Rivera</h1>" in form.text  # a mentor may have several mentees
    assert re.search(r'id="met_on"[^>]*value="2026-12-05"', form.text)
    assert re.search(r'id="minutes"[^>]*value="40"', form.text)
    assert re.search(r'id="topics"[^>]*value="MCAT, school"', form.text)
    assert changed.status_code == 303 and "done=meeting_corrected" in changed.headers["location"]
    [sent] = [r for r in services.sent if r.method == "PATCH"]
    assert json.loads(sent.content) == {"met_on": "2026-12-04", "minutes": 55, "topics": ["MCAT", "interviews"]}


# Named, not by their paths: PAIRING is random, and two test processes must collect the same names (bin/test).
@pytest.mark.parametrize("path", [f"/mentorships/{PAIRING}", f"/mentorships/{PAIRING}/meetings/{MINE}/change"],
                         ids=["logging a meeting", "changing a meeting"])
async def test_the_meeting_form_names_the_day_the_mentorship_began_as_the_earliest_a_meeting_is_dated(path):
    began = datetime.fromisoformat(an_active_term()["confirmed_at"]).astimezone(ZoneInfo("America/Chicago")).date()
    async with browser(with_meetings(), ME_ID, timezone="America/Chicago") as page:
        shown = await page.get(path)
    assert re.search(rf'id="met_on"[^>]*min="{began.isoformat()}"', shown.text)
    day = f"{began:%B} {began.day}, {began.year}"
    assert f"From {day}, the day your mentorship began, to today." in " ".join(shown.text.split())


async def test_a_correction_refused_says_why_next_to_its_field_keeping_what_was_typed():
    # Matching may still judge a day to come that is today where the person is.
    refused = httpx.Response(422, json={"error": {"code": "meeting_in_the_future", "message": "no",
                                                  "field": "met_on"}})
    services = with_meetings(**{f"PATCH /v1/pairings/{PAIRING}/meetings/{MINE}": refused})
    today = today_in("America/Chicago")
    async with browser(services, ME_ID, timezone="America/Chicago") as page:
        future = await page.post(f"/mentorships/{PAIRING}/meetings/{MINE}/change", data={
            "csrf": CSRF, "met_on": today, "minutes": "55", "topics": "MCAT"})
        too_long = await page.post(f"/mentorships/{PAIRING}/meetings/{MINE}/change", data={
            "csrf": CSRF, "met_on": "2026-12-04", "minutes": "900", "topics": "MCAT"})
    assert future.status_code == too_long.status_code == 422
    assert error_next_to(future.text, "met_on")
    assert re.search(rf'id="met_on"[^>]*value="{today}"', future.text)
    assert "5 to 600" in error_next_to(too_long.text, "minutes")
    assert re.search(r'id="minutes"[^>]*value="900"', too_long.text)
    assert len([r for r in services.sent if r.method == "PATCH"]) == 1


async def test_my_partners_meeting_has_no_page_to_change_it():
    async with browser(with_meetings(), ME_ID) as page:
        shown = await page.get(f"/mentorships/{PAIRING}/meetings/{THEIRS}/change")
    assert shown.status_code == 404


async def test_deleting_my_meeting_asks_first_and_deletes_it_only_once_confirmed():
    services = with_meetings(**{f"DELETE /v1/pairings/{PAIRING}/meetings/{MINE}": httpx.Response(204)})
    async with browser(services, ME_ID) as page:
        asked = await page.post(f"/mentorships/{PAIRING}/meetings/{MINE}/delete", data={"csrf": CSRF})
        assert not [r for r in services.sent if r.method == "DELETE"]
        deleted = await page.post(f"/mentorships/{PAIRING}/meetings/{MINE}/delete",
                                  data={"csrf": CSRF, "confirm": "yes"})
    assert "Delete this meeting you logged?" in asked.text and 'name="confirm" value="yes"' in asked.text
    assert deleted.status_code == 303 and "done=meeting_deleted" in deleted.headers["location"]
    assert len([r for r in services.sent if r.method == "DELETE"]) == 1


async def test_deleting_a_meeting_already_gone_as_a_second_press_would_says_it_is_deleted_not_that_nothing_is_here():
    gone = httpx.Response(404, json={"error": {"code": "meeting_not_found", "message": "no", "field": "meeting_id"}})
    services = with_meetings(**{f"DELETE /v1/pairings/{PAIRING}/meetings/{MINE}": gone})
    async with browser(services, ME_ID) as page:
        again = await page.post(f"/mentorships/{PAIRING}/meetings/{MINE}/delete",
                                data={"csrf": CSRF, "confirm": "yes"})
    assert again.status_code == 303 and "done=meeting_deleted" in again.headers["location"]


FAR_AHEAD = "Pacific/Kiritimati"  # UTC+14: its today is tomorrow in most of the world for part of each day


def today_in(zone: str, days_later: int = 0) -> str:
    return (datetime.now(ZoneInfo(zone)).date() + timedelta(days=days_later)).isoformat()


@pytest.mark.parametrize("path", [f"/mentorships/{PAIRING}/meetings", f"/mentorships/{PAIRING}/meetings/{MINE}/change"],
                         ids=["logging a meeting", "changing a meeting"])
async def test_a_meeting_on_a_day_to_come_with_minutes_out_of_range_is_told_both_at_once_next_to_their_fields(path):
    # The minutes were said first, and the day only once they were mended, when matching refused it.
    services = with_meetings(**{f"POST /v1/pairings/{PAIRING}/meetings": {},
                                f"PATCH /v1/pairings/{PAIRING}/meetings/{MINE}": {}})
    tomorrow = today_in(FAR_AHEAD, 1)
    async with browser(services, ME_ID, timezone=FAR_AHEAD) as page:
        answer = await page.post(path, data={"csrf": CSRF, "met_on": tomorrow, "minutes": "900", "topics": "MCAT"})
    assert answer.status_code == 422
    assert error_next_to(answer.text, "met_on") == (
        "A meeting is logged once it has happened: choose today or an earlier day.")
    assert "5 to 600" in error_next_to(answer.text, "minutes")
    assert summary_links(answer.text) == ["met_on", "minutes"]
    assert re.search(rf'id="met_on"[^>]*value="{tomorrow}"', answer.text)
    assert not [r for r in services.sent if r.method in ("POST", "PATCH")], "matching is not asked"


async def test_a_meeting_today_where_the_person_is_is_logged_though_that_day_has_not_begun_elsewhere():
    services = with_meetings(**{f"POST /v1/pairings/{PAIRING}/meetings": {}})
    async with browser(services, ME_ID, timezone=FAR_AHEAD) as page:
        logged = await page.post(f"/mentorships/{PAIRING}/meetings", data={
            "csrf": CSRF, "met_on": today_in(FAR_AHEAD), "minutes": "40", "topics": ""})
    assert logged.status_code == 303
    [sent] = [r for r in services.sent if r.method == "POST"]
    assert json.loads(sent.content)["met_on"] == today_in(FAR_AHEAD)
