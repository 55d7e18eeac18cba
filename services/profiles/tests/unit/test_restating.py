"""Restating a topic pages through what profiles holds, a transaction a page, and does a page again when PostgreSQL
rolled it back to break a deadlock."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import asyncpg
import pytest
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.testing import FakeUnitOfWork
from profiles.domain.model import (
    Enrollment,
    Identity,
    IdentityAttribute,
    IdentityRequest,
    Person,
    Program,
    PublicStanding,
)
from profiles.service_layer import restating

from .conftest import FakeProfilesUnitOfWork, FakePrograms


class Server:
    """What PostgreSQL does beside the transaction, which a rollback does not undo (the fake unit of work restores
    its repositories' state on rollback, deep-copied)."""

    def __init__(self, deadlocks: int) -> None:
        self.deadlocks = deadlocks  # pages rolled back to break a deadlock before one goes through
        self.pages: list[int] = []

    def __deepcopy__(self, memo: dict) -> Server:
        return self


ENROLLED = datetime(2026, 9, 1, 14, tzinfo=UTC)


class FakeRestatements:
    def __init__(self, people: int = 0, enrollments: int = 0, deadlocks: int = 0,
                 profiles: list[Person] | None = None, programs: FakePrograms | None = None) -> None:
        self._profiles = sorted(profiles or [], key=lambda p: p.id)  # opened
        self._people = sorted((PublicStanding(uuid4(), None, S.RESIDENT, False, i % 2 == 0) for i in range(people)),
                              key=lambda p: p.person_id)
        # In turn in each of `programs`, if given; else each in a program of its own, unknown.
        program_ids = list(programs.items) if programs else []
        self._programs = programs or FakePrograms()
        self._enrollments = sorted((Enrollment(uuid4(), uuid4(), program_ids[i % len(program_ids)] if program_ids
                                               else uuid4(), None, Role.MENTOR, active=i % 3 > 0)
                                    for i in range(enrollments)), key=lambda e: e.id)
        self.server = Server(deadlocks)

    async def people(self, after: UUID | None, limit: int) -> list[PublicStanding]:
        return self._page([p for p in self._people if after is None or p.person_id > after], limit)

    async def enrollments(self, after: UUID | None, limit: int, *, kept_private: bool = False
                          ) -> list[tuple[Enrollment, S, datetime]]:
        public = {p.id for p in self._programs.items.values() if p.members_public}
        return self._page([(e, S.FELLOW, ENROLLED) for e in self._enrollments if (after is None or e.id > after)
                           and not (kept_private and e.program_id in public)], limit)

    async def profiles(self, after: UUID | None, limit: int) -> list[Person]:
        return self._page([p for p in self._profiles if after is None or p.id > after], limit)

    def _page(self, rows: list, limit: int) -> list:
        if self.server.deadlocks:
            self.server.deadlocks -= 1
            raise asyncpg.DeadlockDetectedError("deadlock detected")
        self.server.pages.append(len(rows[:limit]))
        return rows[:limit]


async def test_every_person_is_restated_once_in_id_order_a_page_a_transaction():
    restatements = FakeRestatements(people=7)
    uow = FakeUnitOfWork(restatements=restatements)
    seen: list[int] = []
    assert await restating.restate(contract.PEOPLE, uow, page=3, progress=seen.append) == 7
    assert restatements.server.pages == [3, 3, 1] and seen == [3, 6, 7]
    assert [e.person_id for e in uow.published] == [p.person_id for p in restatements._people]
    assert all(isinstance(e, contract.PersonRestated) for e in uow.published)
    assert [e.suspended for e in uow.published] == [p.suspended for p in restatements._people]


async def test_a_full_last_page_is_followed_by_an_empty_one_and_withdrawn_enrollments_say_so():
    restatements = FakeRestatements(enrollments=6)
    uow = FakeUnitOfWork(restatements=restatements)
    assert await restating.restate(contract.ENROLLMENTS, uow, page=3) == 6
    assert restatements.server.pages == [3, 3, 0]
    assert [(e.enrollment_id, e.active, e.stage, e.enrolled_at) for e in uow.published] == [
        (e.id, e.active, S.FELLOW, ENROLLED) for e in restatements._enrollments]


def programs(*members_public: bool) -> FakePrograms:
    held = FakePrograms()
    for public in members_public:
        program = Program.define(name=f"Program {len(held.items)}", chapter_id=None, mentee_stages=[S.UNDERGRADUATE],
                                 mentor_stages=[S.FELLOW], members_public=public)
        held.items[program.id] = program
    return held


async def test_enrollments_of_a_program_that_keeps_who_takes_part_private_are_restated_on_the_restricted_topic():
    held = programs(True, False)
    public, private = list(held.items)
    restatements = FakeRestatements(enrollments=6, programs=held)
    uow = FakeProfilesUnitOfWork(restatements=restatements, programs=held)

    assert await restating.restate(contract.ENROLLMENTS, uow, page=4) == 6

    topics = {(e.program_id, type(e), e.topic) for e in uow.published}
    assert topics == {(public, contract.EnrollmentRestatedV2, contract.ENROLLMENTS),
                      (private, contract.PrivateEnrollmentRestated, contract.PRIVATE_ENROLLMENTS)}
    assert sorted(e.enrollment_id for e in uow.published) == sorted(e.id for e in restatements._enrollments)


async def test_restating_the_restricted_enrollments_topic_restates_only_those_of_programs_that_keep_them_private():
    held = programs(True, False)
    _, private = list(held.items)
    restatements = FakeRestatements(enrollments=6, programs=held)
    uow = FakeProfilesUnitOfWork(restatements=restatements, programs=held)

    assert await restating.restate(contract.PRIVATE_ENROLLMENTS, uow, page=2) == 3

    assert {(e.program_id, type(e)) for e in uow.published} == {(private, contract.PrivateEnrollmentRestated)}
    assert restatements.server.pages == [2, 1]


async def test_each_matching_profile_is_restated_with_what_may_be_used_and_which_attributes_a_partner_may_see():
    shares = Person.register(display_name="Dr. Ana Reyes", email="ana@example.org", stage=S.RESIDENT,
                             specialties=["pediatrics"], identity=Identity({
                                 "first_generation": IdentityAttribute("yes", use_in_matching=True, show_to_partner=True),
                                 "sexual_orientation": IdentityAttribute("gay", use_in_matching=False,
                                                                         show_to_partner=True),
                                 "disability": IdentityAttribute("deaf", use_in_matching=True, show_to_partner=False)}))
    asks = Person.register(display_name="Ben Ortiz", email="ben@example.org", stage=S.UNDERGRADUATE, identity=Identity(
        {"first_generation": IdentityAttribute("yes", use_in_matching=True)},
        (IdentityRequest("first_generation", "requirement"),)))
    uow = FakeUnitOfWork(restatements=FakeRestatements(profiles=[shares, asks]))

    assert await restating.restate(contract.MATCHING_PROFILES, uow, page=1) == 2

    restated = {e.person_id: e for e in uow.published}
    assert all(isinstance(e, contract.MatchingProfileRestated) for e in uow.published)
    assert restated[shares.id].identity_for_matching == {"first_generation": "yes", "disability": "deaf"}
    assert restated[shares.id].shown_to_partner == ["first_generation", "sexual_orientation"]
    assert restated[shares.id].specialties == ["pediatrics"] and restated[shares.id].stage == S.RESIDENT
    assert restated[asks.id].identity_requests == [contract.IdentityRequest(attribute="first_generation",
                                                                            strength="requirement")]
    assert restated[asks.id].shown_to_partner == []


async def test_each_persons_contact_details_are_restated_with_what_they_show_a_partner_and_nothing_else():
    ana = Person.register(display_name="Dr. Ana Reyes", email="ana@example.org", stage=S.RESIDENT, pronouns="she/her",
                          timezone="America/Chicago", bio="EM resident", preferred_language="es", identity=Identity({
                              "first_generation": IdentityAttribute("yes", use_in_matching=True, show_to_partner=True),
                              "sexual_orientation": IdentityAttribute("gay", use_in_matching=True)}))
    uow = FakeUnitOfWork(restatements=FakeRestatements(profiles=[ana]))

    assert await restating.restate(contract.CONTACTS, uow) == 1

    [restated] = uow.published
    assert isinstance(restated, contract.ContactDetailsRestated)
    assert (restated.email, restated.display_name, restated.timezone, restated.preferred_language) == (
        "ana@example.org", "Dr. Ana Reyes", "America/Chicago", "es")
    assert (restated.pronouns_for_partner, restated.bio_for_partner) == ("she/her", "EM resident")
    assert restated.identity_for_partner == {"first_generation": "yes"}


async def test_a_page_rolled_back_to_break_a_deadlock_is_done_again_and_nothing_is_staged_twice():
    restatements = FakeRestatements(people=4, deadlocks=2)
    uow = FakeUnitOfWork(restatements=restatements)
    assert await restating.restate(contract.PEOPLE, uow, page=10) == 4
    assert len(uow.published) == 4 and restatements.server.pages == [4]


async def test_a_page_that_keeps_deadlocking_gives_up_with_the_error():
    uow = FakeUnitOfWork(restatements=FakeRestatements(people=1, deadlocks=5))
    with pytest.raises(asyncpg.DeadlockDetectedError):
        await restating.restate(contract.PEOPLE, uow)
    assert uow.published == []
