"""The sides of a pairing under way are read whatever their pause, on the real database: a paused mentor still answers
his proposals and still mentors; he is only proposed nobody new."""

from __future__ import annotations

from uuid import uuid4

import pytest
from matching.adapters.repositories.candidates import PostgresCandidates
from matching.adapters.repositories.people import PostgresPeople
from matching.adapters.repositories.waitlist import PostgresWaitlist
from matching.bootstrap import MIGRATIONS
from matching.domain.model import ProgramRules
from mentorship_contracts.vocabulary import TrainingStage
from plumbing.db import PLUMBING_MIGRATIONS, create_pool, migrate

from .test_live_counts import enrol, pair, profile


@pytest.fixture
async def pool(matching_settings):
    pool = await create_pool(matching_settings.database_url, 2)
    await migrate(pool, PLUMBING_MIGRATIONS, MIGRATIONS)
    yield pool
    await pool.close()


def rules() -> ProgramRules:
    return ProgramRules(id=uuid4(), chapter_id=None, pairing_mode="rounds", both_must_accept=True, pair_cap=None,
                        minimum_score=0, term_months=12, mentee_stages=[TrainingStage.UNDERGRADUATE],
                        mentor_stages=[TrainingStage.RESIDENT])


async def test_a_paused_mentors_proposal_still_reads_both_sides_though_no_round_reads_him(pool):
    program = rules()
    async with pool.acquire() as conn:
        kwame, mentee = uuid4(), uuid4()
        await profile(conn, kwame)
        await profile(conn, mentee)
        mentor_enrollment = await enrol(conn, program.id, "mentor", kwame)
        mentee_enrollment = await enrol(conn, program.id, "mentee", mentee)
        await pair(conn, program.id, mentee_enrollment, mentor_enrollment, status="proposed")
        people, candidates = PostgresPeople(conn), PostgresCandidates(conn)

        await people.hold_back(mentor_enrollment)  # paused
        await people.hold_back(mentee_enrollment)

        assert await candidates.in_program(program, "mentor") == []  # what a round or a registration reads
        assert await candidates.in_program(program, "mentor", enrollment_ids=[mentor_enrollment]) == []
        [side] = await candidates.in_program(program, "mentor", enrollment_ids=[mentor_enrollment], paused_too=True)
        assert (side.person_id, side.stage, side.active_pairings) == (kwame, TrainingStage.RESIDENT, 1)
        [other] = await candidates.in_program(program, "mentee", enrollment_ids=[mentee_enrollment], paused_too=True)
        assert other.person_id == mentee
        # Withdrawn or suspended, a side is not read: their pairings close.
        await people.withdraw(mentor_enrollment)
        await people.suspend(mentee, True)
        assert await candidates.in_program(program, "mentor", enrollment_ids=[mentor_enrollment],
                                           paused_too=True) == []
        assert await candidates.in_program(program, "mentee", enrollment_ids=[mentee_enrollment],
                                           paused_too=True) == []


@pytest.mark.parametrize("step_out", ["paused", "suspended"])
async def test_a_mentee_back_on_the_waitlist_after_stepping_off_it_is_told_their_place_again(pool, step_out):
    # Paused, a mentee leaves the waitlist with no event of matching's; resumed, nothing said they were back, so a
    # team counting the waitlist from its events lost them for good.
    program = rules()
    async with pool.acquire() as conn:
        mentee = uuid4()
        await profile(conn, mentee)
        enrollment = await enrol(conn, program.id, "mentee", mentee)
        waitlist = PostgresWaitlist(conn)
        [told] = await waitlist.unannounced(program.id, [enrollment])
        await waitlist.mark_announced([enrollment])
        assert await waitlist.unannounced(program.id, [enrollment]) == []

        await conn.execute(f"UPDATE enrollments SET {step_out} = true WHERE id = $1", enrollment)
        assert await waitlist.unannounced(program.id, [enrollment]) == []  # not waiting: nothing to tell
        await conn.execute(f"UPDATE enrollments SET {step_out} = false WHERE id = $1", enrollment)

        [again] = await waitlist.unannounced(program.id, [enrollment])
        assert again["position"] == told["position"] == 1
