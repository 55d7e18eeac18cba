"""A private event's calendar file is offered with a seat: a change or a cancellation reaches a calendar entry by the
emails to those seated, and someone waiting is sent no entry to update until the email that gives them a seat."""

from __future__ import annotations

from .pages import browser
from .test_pages import EVENT, ME, an_event, my_seat_at, text_of


async def test_someone_waiting_is_not_offered_a_calendar_file_no_email_would_update_and_is_told_when_it_comes():
    _, event = an_event(attendees_public=False, full=True)
    async with browser(my_seat_at(event, "waitlisted"), ME) as page:
        waiting = (await page.get(f"/events/{EVENT}")).text
    async with browser(my_seat_at(event, "confirmed"), ME) as page:
        seated = (await page.get(f"/events/{EVENT}")).text
    assert "calendar.ics" not in waiting
    assert "The calendar entry comes with the email that gives you a seat." in text_of(waiting)
    assert f'href="/events/{EVENT}/calendar.ics"' in seated
    assert "comes with the email that gives you a seat" not in text_of(seated)
