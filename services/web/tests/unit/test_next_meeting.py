"""When the next meeting is due, as matching counts it (the program's longest interval after the last meeting's
day, or after the mentorship began), and overdue only once that day is over where the reader is."""

from __future__ import annotations

from datetime import date
from uuid import uuid4
from zoneinfo import ZoneInfo

from web.entrypoints.mentorship import _view, next_meeting_due

SIX_MONTHS = {"term_months": 6, "cadence_max_days": 30}


def active(**fields) -> dict:
    return {"id": str(uuid4()), "program_id": str(uuid4()), "mentee_id": str(uuid4()), "mentor_id": str(uuid4()),
            "status": "active", "last_met_at": None, **fields}


def test_the_first_meeting_is_due_a_cadence_after_the_mentorship_began_not_after_an_estimated_start():
    # Confirmed March 1 for six months: matching counts 30 days from then (March 31); six 30.44-day months back
    # from the term's end gave April 1.
    began = active(confirmed_at="2026-03-01T15:00:00+00:00", term_ends_at="2026-09-01T15:00:00+00:00")
    assert next_meeting_due(began, SIX_MONTHS) == date(2026, 3, 31)


def test_a_meeting_is_due_a_cadence_after_the_day_of_the_last_one():
    met = active(confirmed_at="2026-03-01T15:00:00+00:00", last_met_at="2026-10-02T00:00:00+00:00")
    assert next_meeting_due(met, SIX_MONTHS) == date(2026, 11, 1)


def test_a_meeting_due_today_is_not_overdue_until_the_day_is_over_where_the_reader_is():
    met = active(confirmed_at="2026-03-01T15:00:00+00:00", last_met_at="2026-10-02T00:00:00+00:00")
    due_day, day_after = date(2026, 11, 1), date(2026, 11, 2)
    # 00:01 UTC on November 1 is still October 31 in Los Angeles; even there, November 1 is the day it is due by.
    assert not _view(met, uuid4(), None, SIX_MONTHS, None, today=date(2026, 10, 31))["overdue"]
    assert not _view(met, uuid4(), None, SIX_MONTHS, None, today=due_day)["overdue"]
    assert _view(met, uuid4(), None, SIX_MONTHS, None, today=day_after)["overdue"]


def test_a_meeting_due_after_the_term_ends_is_due_by_the_terms_last_day_not_after_it():
    one_month = {"term_months": 1, "cadence_max_days": 60}
    began = active(confirmed_at="2026-12-04T15:00:00+00:00", term_ends_at="2027-01-04T15:00:00+00:00")
    view = _view(began, uuid4(), None, one_month, None, today=date(2026, 12, 4))
    assert (view["due"], view["due_at_term_end"], view["overdue"]) == (date(2027, 1, 4), True, False)
    assert _view(began, uuid4(), None, one_month, None, today=date(2027, 1, 5))["overdue"]
    assert not _view(began, uuid4(), None, SIX_MONTHS, None, today=date(2026, 12, 4))["due_at_term_end"]


def test_the_first_meeting_is_due_a_cadence_after_the_day_the_reader_was_shown_the_mentorship_began():
    # Accepted at 6:26 PM in Chicago on December 7: already December 8 in UTC. The page says it began on December 7,
    # so 60 days from then is February 5, not February 6 (61 days after the day shown).
    two_months = {"term_months": 6, "cadence_max_days": 60}
    began = active(confirmed_at="2026-12-08T00:26:00+00:00")
    assert next_meeting_due(began, two_months, ZoneInfo("America/Chicago")) == date(2027, 2, 5)
    view = _view(began, uuid4(), None, two_months, None, today=date(2026, 12, 7), zone=ZoneInfo("America/Chicago"))
    assert view["due"] == date(2027, 2, 5)


def test_east_of_utc_the_first_meeting_is_due_no_later_than_matching_counts_it():
    # 2 AM on December 8 in Manila is still December 7 in UTC, the day matching counts from: never a day later.
    two_months = {"term_months": 6, "cadence_max_days": 60}
    began = active(confirmed_at="2026-12-07T18:00:00+00:00")
    assert next_meeting_due(began, two_months, ZoneInfo("Asia/Manila")) == date(2027, 2, 5)
