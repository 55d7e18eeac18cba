"""A meeting logged wrongly, or twice: its logger corrects it or deletes it, and the overdue watch counts from what
is left."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from matching.domain import commands
from matching.domain.errors import MeetingBeforePairing, MeetingInTheFuture, MeetingNotFound, NotYourMeeting
from matching.service_layer import lifecycle, views
from mentorship_contracts import matching as published

from .fakes import Platform
from .profiles_service import Profiles, acting_as

TODAY = datetime.now(UTC).date()


async def a_pair_met_for_a_while(platform: Platform, cadence_max_days: int = 30,
                                  profiles: Profiles | None = None) -> tuple[UUID, UUID, UUID]:
    """A mentor and a mentee whose mentorship began 60 days ago: the mentor, the mentee, the pairing."""
    profiles = profiles or Profiles(platform)
    program = await profiles.program(cadence_max_days=cadence_max_days)
    mentor = await profiles.person(program, "mentor")
    mentee = await profiles.person(program, "mentee")
    [pairing] = platform.events(published.PairingConfirmed, mentee_id=mentee)
    platform.stored_pairings(id=pairing.pairing_id)[0]["confirmed_at"] = datetime.now(UTC) - timedelta(days=60)
    return mentor, mentee, pairing.pairing_id


async def logged(platform: Platform, pairing_id: UUID, who: UUID, met_on: date, topics: tuple[str, ...] = ()
                 ) -> int:
    """`who` logs a meeting of 40 minutes on `met_on`: its id, as the pair read it back."""
    await lifecycle.log_meeting(commands.LogMeeting(pairing_id, met_on, 40, list(topics)), platform.uow(), acting_as(who))
    read = await views.meetings(pairing_id, platform.uow(), acting_as(who))
    return max(m["id"] for m in read)


def last_met_at(platform: Platform, pairing_id: UUID) -> datetime | None:
    return platform.stored_pairings(id=pairing_id)[0]["last_met_at"]


async def test_the_one_who_logged_a_meeting_corrects_its_day_minutes_and_topics():
    platform = Platform()
    mentor, mentee, pairing_id = await a_pair_met_for_a_while(platform)
    meeting_id = await logged(platform, pairing_id, mentor, TODAY - timedelta(days=3), ["MCAT"])

    corrected = commands.CorrectMeeting(pairing_id, meeting_id, TODAY - timedelta(days=4), 55, ["MCAT", "school"])
    await lifecycle.correct_meeting(corrected, platform.uow(), acting_as(mentor))

    [read] = await views.meetings(pairing_id, platform.uow(), acting_as(mentee))
    assert (read["id"], read["met_on"], read["minutes"], read["topics"], read["logged_by"]) == (
        meeting_id, TODAY - timedelta(days=4), 55, ["MCAT", "school"], mentor)


async def test_a_meeting_is_corrected_by_the_rules_it_was_logged_by_not_before_the_mentorship_nor_in_the_future():
    platform = Platform()
    mentor, _, pairing_id = await a_pair_met_for_a_while(platform)
    meeting_id = await logged(platform, pairing_id, mentor, TODAY)

    with pytest.raises(MeetingBeforePairing) as before:
        await lifecycle.correct_meeting(commands.CorrectMeeting(pairing_id, meeting_id, TODAY - timedelta(days=90),
                                                                40, []), platform.uow(), acting_as(mentor))
    with pytest.raises(MeetingInTheFuture) as after:
        await lifecycle.correct_meeting(commands.CorrectMeeting(pairing_id, meeting_id, TODAY + timedelta(days=3),
                                                                40, []), platform.uow(), acting_as(mentor))
    assert before.value.field == after.value.field == "met_on"
    assert [m["met_on"] for m in platform.pairings.meetings] == [TODAY]


async def test_the_one_who_logged_a_meeting_deletes_it_and_their_partners_stays():
    platform = Platform()
    mentor, mentee, pairing_id = await a_pair_met_for_a_while(platform)
    day = TODAY - timedelta(days=2)
    mine = await logged(platform, pairing_id, mentor, day, ["MCAT"])
    theirs = await logged(platform, pairing_id, mentee, day, ["MCAT"])

    await lifecycle.delete_meeting(commands.DeleteMeeting(pairing_id, mine), platform.uow(), acting_as(mentor))

    assert [m["id"] for m in await views.meetings(pairing_id, platform.uow(), acting_as(mentor))] == [theirs]


async def test_only_the_one_who_logged_a_meeting_corrects_or_deletes_it_not_their_partner():
    platform = Platform()
    mentor, mentee, pairing_id = await a_pair_met_for_a_while(platform)
    theirs = await logged(platform, pairing_id, mentee, TODAY)

    with pytest.raises(NotYourMeeting) as correcting:
        await lifecycle.correct_meeting(commands.CorrectMeeting(pairing_id, theirs, TODAY, 90, []), platform.uow(),
                                        acting_as(mentor))
    with pytest.raises(NotYourMeeting) as deleting:
        await lifecycle.delete_meeting(commands.DeleteMeeting(pairing_id, theirs), platform.uow(), acting_as(mentor))
    assert correcting.value.status == deleting.value.status == 403
    assert [m["minutes"] for m in platform.pairings.meetings] == [40]


async def test_a_meeting_not_of_the_pairing_is_not_found_naming_the_meeting():
    platform = Platform()
    profiles = Profiles(platform)
    mentor, _, pairing_id = await a_pair_met_for_a_while(platform, profiles=profiles)
    other_mentor, _, other_pairing_id = await a_pair_met_for_a_while(platform, profiles=profiles)
    elsewhere = await logged(platform, other_pairing_id, other_mentor, TODAY)

    for meeting_id in (elsewhere, elsewhere + 1000):
        with pytest.raises(MeetingNotFound) as error:
            await lifecycle.delete_meeting(commands.DeleteMeeting(pairing_id, meeting_id), platform.uow(),
                                           acting_as(mentor))
        assert (error.value.status, error.value.field) == (404, "meeting_id")
    assert len(platform.pairings.meetings) == 1


async def test_the_last_meeting_day_follows_a_corrected_or_deleted_meeting_back_to_those_left():
    platform = Platform()
    mentor, mentee, pairing_id = await a_pair_met_for_a_while(platform)
    earlier = await logged(platform, pairing_id, mentee, TODAY - timedelta(days=20))
    latest = await logged(platform, pairing_id, mentor, TODAY - timedelta(days=2))

    await lifecycle.correct_meeting(commands.CorrectMeeting(pairing_id, latest, TODAY - timedelta(days=10), 40, []),
                                    platform.uow(), acting_as(mentor))
    assert last_met_at(platform, pairing_id) == datetime.combine(TODAY - timedelta(days=10), datetime.min.time(), UTC)

    await lifecycle.delete_meeting(commands.DeleteMeeting(pairing_id, latest), platform.uow(), acting_as(mentor))
    assert last_met_at(platform, pairing_id) == datetime.combine(TODAY - timedelta(days=20), datetime.min.time(), UTC)

    await lifecycle.delete_meeting(commands.DeleteMeeting(pairing_id, earlier), platform.uow(), acting_as(mentee))
    assert last_met_at(platform, pairing_id) is None


async def test_a_mentorship_whose_only_recent_meeting_was_deleted_is_signalled_overdue_from_the_day_it_began():
    platform = Platform()
    mentor, mentee, pairing_id = await a_pair_met_for_a_while(platform, cadence_max_days=30)
    meeting_id = await logged(platform, pairing_id, mentor, TODAY - timedelta(days=2))
    await lifecycle.signal_lifecycle(platform.uow(), renewal_notice_days=30, answer_within_days=14)
    assert not platform.events(published.MeetingOverdue)

    await lifecycle.delete_meeting(commands.DeleteMeeting(pairing_id, meeting_id), platform.uow(), acting_as(mentor))
    await lifecycle.signal_lifecycle(platform.uow(), renewal_notice_days=30, answer_within_days=14)

    [overdue] = platform.events(published.MeetingOverdue, mentee_id=mentee)
    assert overdue.last_met_at is None
