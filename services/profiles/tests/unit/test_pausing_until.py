"""A person pausing their own enrollment may say until when (`paused_until`): a resident pausing for a month of night
shifts need not remember to come back. When the day comes a background job resumes them as resuming themselves would.
Only their own pause has an end: one the platform paused for a reason of its own is resumed as that reason says.
The domain on its own, then the handlers and the job with an in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.errors import Invalid
from profiles.domain import commands
from profiles.domain.model import CONDUCT_REPORTED, GOALS_MET, TERM_COMPLETED, UNANSWERED, Enrollment, Program
from profiles.entrypoints import http, jobs
from profiles.service_layer import handlers
from pydantic import ValidationError

from .conftest import anyone

NOW = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
A_MONTH_OF_NIGHTS = NOW + timedelta(days=31)


def program() -> Program:
    return Program.define(name="Into Residency", chapter_id=None, mentee_stages=[S.MEDICAL_STUDENT_3],
                          mentor_stages=[S.RESIDENT])


def enrollment(role: Role = Role.MENTOR) -> Enrollment:
    return Enrollment(uuid4(), uuid4(), uuid4(), None, role)


# The domain

def test_a_resident_pausing_for_a_month_of_night_shifts_says_until_when():
    mine = enrollment()
    changed = mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    assert changed == {"paused", "paused_until"}
    assert (mine.paused, mine.paused_because, mine.paused_until) == (True, None, A_MONTH_OF_NIGHTS)


def test_the_end_of_a_pause_is_kept_in_utc_whatever_offset_it_was_given_in():
    mine = enrollment(Role.MENTEE)
    chicago_morning = datetime(2026, 8, 1, 7, 0, tzinfo=timezone(timedelta(hours=-5)))
    mine.update(program(), now=NOW, paused=True, paused_until=chicago_morning)
    assert mine.paused_until == chicago_morning and mine.paused_until.utcoffset() == timedelta(0)


def test_one_paused_by_themselves_moves_the_end_of_their_pause_or_drops_it():
    mine = enrollment()
    mine.update(program(), paused=True)
    assert mine.update(program(), now=NOW, paused_until=A_MONTH_OF_NIGHTS) == {"paused_until"}
    assert mine.paused_until == A_MONTH_OF_NIGHTS
    assert mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS) == set()  # sent again
    assert mine.update(program(), now=NOW, paused_until=None) == {"paused_until"}  # until they resume
    assert (mine.paused, mine.paused_until) == (True, None)


@pytest.mark.parametrize("until", [NOW - timedelta(days=1), NOW, NOW + timedelta(days=366, seconds=1),
                                   datetime(2026, 8, 1, 7, 0)], ids=["past", "now", "beyond 366 days", "no timezone"])
def test_an_end_not_to_come_within_366_days_is_refused_naming_it(until):
    mine = enrollment()
    with pytest.raises(Invalid) as refused:
        mine.update(program(), now=NOW, paused=True, paused_until=until)
    assert refused.value.field == "paused_until"
    assert (mine.paused, mine.paused_until) == (False, None)  # nothing changed


def test_an_end_366_days_ahead_is_taken():
    mine = enrollment()
    mine.update(program(), now=NOW, paused=True, paused_until=NOW + timedelta(days=366))
    assert mine.paused_until == NOW + timedelta(days=366)


@pytest.mark.parametrize("reason", [UNANSWERED, GOALS_MET, TERM_COMPLETED])
def test_an_end_is_refused_for_a_pause_that_is_not_their_own(reason):
    held = enrollment(Role.MENTEE)
    held.update(program(), paused=True)
    held.paused_because = reason
    for proposed in ({"paused_until": A_MONTH_OF_NIGHTS}, {"paused": True, "paused_until": A_MONTH_OF_NIGHTS}):
        with pytest.raises(Invalid) as refused:
            held.update(program(), now=NOW, **proposed)
        assert refused.value.field == "paused_until"
    assert (held.paused_because, held.paused_until) == (reason, None)


def test_an_end_is_refused_for_a_mentee_paused_for_a_coordinators_review():
    held = enrollment(Role.MENTEE)
    held.hold_for_review(program(), CONDUCT_REPORTED, NOW)
    with pytest.raises(Invalid) as refused:
        held.update(program(), now=NOW, paused_until=A_MONTH_OF_NIGHTS)
    assert refused.value.field == "paused_until"


def test_an_end_is_refused_for_a_mentor_under_review_whom_a_review_not_a_date_resumes():
    held = enrollment(Role.MENTOR)
    held.hold_for_review(program(), CONDUCT_REPORTED, NOW)
    with pytest.raises(Invalid) as refused:
        held.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    assert refused.value.field == "paused_until"


def test_an_end_is_refused_with_resuming_and_without_a_pause():
    mine = enrollment()
    for proposed in ({"paused_until": A_MONTH_OF_NIGHTS}, {"paused": False, "paused_until": A_MONTH_OF_NIGHTS}):
        with pytest.raises(Invalid) as refused:
            mine.update(program(), now=NOW, **proposed)
        assert refused.value.field == "paused_until"
    mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    with pytest.raises(Invalid) as refused:
        mine.update(program(), now=NOW, paused=False, paused_until=A_MONTH_OF_NIGHTS)
    assert refused.value.field == "paused_until"
    assert (mine.paused, mine.paused_until) == (True, A_MONTH_OF_NIGHTS)


def test_resuming_ends_the_pause_and_its_end_with_it():
    mine = enrollment()
    mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    assert mine.update(program(), paused=False) == {"paused", "paused_until"}
    assert (mine.paused, mine.paused_until) == (False, None)


@pytest.mark.parametrize("reason", [GOALS_MET, TERM_COMPLETED])
def test_a_mentee_resting_after_their_mentorship_loses_the_end_of_their_own_pause(reason):
    mine = enrollment(Role.MENTEE)
    mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    assert "paused_until" in mine.rest(program(), reason)
    assert (mine.paused, mine.paused_because, mine.paused_until) == (True, reason, None)


@pytest.mark.parametrize("role", [Role.MENTEE, Role.MENTOR])
def test_one_held_for_review_loses_the_end_of_their_own_pause(role):
    mine = enrollment(role)
    mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    assert "paused_until" in mine.hold_for_review(program(), CONDUCT_REPORTED, NOW)
    assert mine.paused_until is None


def test_one_paused_by_the_platform_for_not_answering_starts_without_an_end():
    mine = enrollment()
    assert mine.pause_unanswered(program()) == {"paused"}
    assert (mine.paused_because, mine.paused_until) == (UNANSWERED, None)


def test_whether_a_pause_of_ones_own_has_ended():
    mine = enrollment()
    mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    assert not mine.own_pause_ended(A_MONTH_OF_NIGHTS - timedelta(seconds=1))
    assert mine.own_pause_ended(A_MONTH_OF_NIGHTS)
    mine.withdraw()
    assert not mine.own_pause_ended(A_MONTH_OF_NIGHTS)


# The handlers and the job

async def enrolled(uow, register, program_id, role=Role.MENTOR):
    stage = S.RESIDENT if role is Role.MENTOR else S.MEDICAL_STUDENT_3
    return await handlers.enroll(commands.Enroll((await register(stage)).id, program_id, role), uow, anyone)


async def pause(uow, enrollment_id, until=None, at=NOW):
    changes = {"paused": True} if until is None else {"paused": True, "paused_until": until}
    return await handlers.change_enrollment(commands.ChangeEnrollment(enrollment_id, changes, at), uow, anyone)


def as_announced(event: contract.EnrollmentChangedV4) -> dict:
    """What an enrollment's change says, but whose and when."""
    return event.model_dump(exclude={"event_id", "occurred_at", "correlation_id", "enrollment_id", "person_id"})


async def test_pausing_until_a_date_is_announced_as_a_pause_and_the_date_stays_in_profiles(
        uow, register, vetted_program):
    mine = await enrolled(uow, register, vetted_program.id)
    published = len(uow.published)
    paused = await pause(uow, mine.id, A_MONTH_OF_NIGHTS)
    assert paused.paused_until == A_MONTH_OF_NIGHTS
    [event] = uow.published[published:]
    assert isinstance(event, contract.EnrollmentChangedV4) and (event.paused, event.changed_fields) == (True, ["paused"])
    assert "paused_until" not in event.model_dump()
    # Moving the end changes nothing another service holds: nothing is published.
    moved = await handlers.change_enrollment(commands.ChangeEnrollment(
        mine.id, {"paused_until": A_MONTH_OF_NIGHTS + timedelta(days=7)}, NOW), uow, anyone)
    assert moved.paused_until == A_MONTH_OF_NIGHTS + timedelta(days=7)
    assert (await handlers.get_enrollment(mine.id, uow, anyone)).paused_until == moved.paused_until
    assert len(uow.published) == published + 1


async def test_a_pause_whose_end_has_come_is_resumed_publishing_what_resuming_oneself_publishes(
        uow, register, vetted_program):
    by_hand, by_date = [await enrolled(uow, register, vetted_program.id, Role.MENTEE) for _ in "ab"]
    for mine in (by_hand, by_date):
        await pause(uow, mine.id, A_MONTH_OF_NIGHTS)
    published = len(uow.published)
    await handlers.change_enrollment(commands.ChangeEnrollment(by_hand.id, {"paused": False}), uow, anyone)
    [resumed_by_hand] = uow.published[published:]
    audited = len(uow.audited)

    assert await handlers.resume_pauses_ended(A_MONTH_OF_NIGHTS, uow) == 1

    resumed = await handlers.get_enrollment(by_date.id, uow, anyone)
    assert (resumed.paused, resumed.paused_because, resumed.paused_until) == (False, None, None)
    [resumed_by_date] = uow.published[published + 1:]
    assert type(resumed_by_date) is type(resumed_by_hand)
    assert resumed_by_date.enrollment_id == by_date.id
    assert as_announced(resumed_by_date) == as_announced(resumed_by_hand)
    assert (resumed_by_date.paused, resumed_by_date.changed_fields) == (False, ["paused"])
    assert len(uow.audited) == audited  # theirs to resume, as resuming themselves is not audited


async def test_pauses_still_running_of_no_end_or_not_their_own_are_left_as_they_are(uow, register, vetted_program):
    later = await enrolled(uow, register, vetted_program.id)
    await pause(uow, later.id, A_MONTH_OF_NIGHTS + timedelta(days=1))
    endless = await enrolled(uow, register, vetted_program.id)
    await pause(uow, endless.id)
    withdrawn = await enrolled(uow, register, vetted_program.id)
    await pause(uow, withdrawn.id, A_MONTH_OF_NIGHTS)
    await handlers.withdraw_enrollment(commands.WithdrawEnrollment(withdrawn.id), uow, anyone)
    published = len(uow.published)

    assert await handlers.resume_pauses_ended(A_MONTH_OF_NIGHTS, uow) == 0

    assert all([(await handlers.get_enrollment(e.id, uow, anyone)).paused for e in (later, endless, withdrawn)])
    assert len(uow.published) == published


async def test_the_job_resumes_a_batch_at_a_time_and_running_it_again_changes_nothing(uow, register, vetted_program):
    mine = [await enrolled(uow, register, vetted_program.id) for _ in range(3)]
    for n, enrollment_ in enumerate(mine):
        await pause(uow, enrollment_.id, A_MONTH_OF_NIGHTS - timedelta(hours=n))
    published = len(uow.published)

    assert [await handlers.resume_pauses_ended(A_MONTH_OF_NIGHTS, uow, batch=2) for _ in range(3)] == [2, 1, 0]

    assert not any([(await handlers.get_enrollment(e.id, uow, anyone)).paused for e in mine])
    # The longest ended first.
    assert [e.enrollment_id for e in uow.published[published:]] == [e.id for e in reversed(mine)]


def test_the_job_runs_every_five_minutes_and_again_at_once_while_a_whole_batch_was_resumed():
    assert jobs.PAUSES_ENDED_EVERY == 5 * 60
    assert jobs.more_pauses_ended(handlers.RESUMED_AT_ONCE) and not jobs.more_pauses_ended(
        handlers.RESUMED_AT_ONCE - 1)


# Over HTTP's models

def test_the_enrollment_answered_says_until_when_it_is_paused():
    mine = enrollment()
    mine.update(program(), now=NOW, paused=True, paused_until=A_MONTH_OF_NIGHTS)
    assert http.EnrollmentOut.of(mine).paused_until == A_MONTH_OF_NIGHTS
    assert http.EnrollmentOut.of(enrollment()).paused_until is None


def test_a_change_sending_an_end_without_a_timezone_is_refused_naming_it_and_null_is_taken():
    with pytest.raises(ValidationError) as refused:
        http.EnrollmentChange.model_validate({"paused": True, "paused_until": "2026-08-01T07:00:00"})
    assert refused.value.errors()[0]["loc"] == ("paused_until",)
    taken = http.EnrollmentChange.model_validate({"paused": True, "paused_until": "2026-08-01T07:00:00-05:00"})
    assert taken.model_dump(exclude_unset=True)["paused_until"] == datetime(2026, 8, 1, 12, 0, tzinfo=UTC)
    assert http.EnrollmentChange.model_validate({"paused_until": None}).model_dump(exclude_unset=True) == {
        "paused_until": None}
