"""A mentorship that ran its course (ended because its goals were met, or completed at the end of its term) leaves its
mentee's enrollments in the program paused, saying why, until they ask for another mentor themselves: nobody pairs
them again unasked. With an in-memory unit of work."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from mentorship_contracts import matching
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from profiles.domain import commands
from profiles.entrypoints import consumers, http
from profiles.service_layer import handlers

from .conftest import anyone
from .test_console import coordinator_of, uow  # noqa: F401 (the console's unit of work, a fixture)
from .test_reported_for_conduct import ended, pair  # noqa: F401 (a mentor and a mentee enrolled, a fixture)


@pytest.mark.parametrize("ended_by", [Role.MENTOR, Role.MENTEE, None])
async def test_a_mentee_whose_mentorship_ended_with_its_goals_met_is_paused_saying_so_and_resumes_themselves(
        uow, pair, vetted_program, chapter, ended_by):  # noqa: F811
    mentee, mentor = pair
    published = len(uow.published)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, ended_by, "goals_met"),
                                 uow)

    resting = await handlers.get_enrollment(mentee.id, uow, anyone)
    assert (resting.paused, resting.paused_because, resting.review_reason) == (True, "goals_met", None)
    [changed] = uow.published[published:]
    assert isinstance(changed, contract.EnrollmentChangedV4) and changed.paused
    assert changed.changed_fields == ["paused", "paused_because"]  # matching lifts its own rest on this word
    [answer] = [e for e in await http.enrollments_of(mentee.person_id, coordinator_of(chapter.id), uow)
                if e.id == mentee.id]
    assert answer.paused_because == "goals_met"
    assert (await handlers.get_enrollment(mentor.id, uow, anyone)).paused is False

    resumed = await handlers.change_enrollment(commands.ChangeEnrollment(mentee.id, {"paused": False}), uow, anyone)

    assert (resumed.paused, resumed.paused_because) == (False, None)
    assert uow.published[-1].changed_fields == ["paused"] and not uow.published[-1].paused


async def test_a_mentee_whose_mentorship_completed_its_term_is_paused_saying_so(uow, pair, vetted_program):  # noqa: F811
    mentee, mentor = pair
    completed = matching.PairingCompletedV2(pairing_id=uuid4(), program_id=vetted_program.id, chapter_id=None,
                                            mentee_id=mentee.person_id, mentor_id=mentor.person_id,
                                            occurred_at=datetime(2026, 12, 5, tzinfo=UTC))

    await consumers.HANDLERS[matching.PairingCompleted](completed, uow)

    resting = await handlers.get_enrollment(mentee.id, uow, anyone)
    assert (resting.paused, resting.paused_because) == (True, "term_completed")
    assert uow.published[-1].changed_fields == ["paused", "paused_because"]


async def test_a_mentee_who_had_paused_themselves_is_told_their_pause_is_now_for_their_goals_met(
        uow, pair, vetted_program):  # noqa: F811
    mentee, mentor = pair
    await handlers.change_enrollment(commands.ChangeEnrollment(mentee.id, {"paused": True}), uow, anyone)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTOR,
                                       "goals_met"), uow)

    assert (await handlers.get_enrollment(mentee.id, uow, anyone)).paused_because == "goals_met"
    assert uow.published[-1].changed_fields == ["paused_because"]


async def test_a_mentee_under_review_stays_a_coordinators_to_resume_when_another_mentorship_of_theirs_meets_its_goals(
        uow, pair, vetted_program):  # noqa: F811
    mentee, mentor = pair
    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTOR), uow)
    published = len(uow.published)

    await handlers.pairing_ended(ended(mentee.person_id, mentor.person_id, vetted_program.id, Role.MENTOR,
                                       "goals_met"), uow)

    held = await handlers.get_enrollment(mentee.id, uow, anyone)
    assert (held.paused, held.paused_because, held.review_reason) == (True, "conduct_reported", "conduct_reported")
    assert len(uow.published) == published
