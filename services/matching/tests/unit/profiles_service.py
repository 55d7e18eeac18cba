"""Plays the profiles service for the handlers' unit tests, and acts as one of a pairing's people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from matching.domain import commands
from matching.service_layer import projections
from matching.service_layer.ports import Authorize
from mentorship_contracts.profiles import (
    EnrollmentChangedV4,
    EnrollmentCreated,
    EnrollmentCreatedV2,
    EnrollmentWithdrawnV2,
    MatchingProfileChanged,
    ProgramDefinedV5,
)
from plumbing.auth import Principal, Role

from .fakes import FakeTransaction, Platform


class Profiles:
    """Plays the profiles service: its events, applied by matching's handlers one after another."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.clock = datetime(2026, 11, 22, tzinfo=UTC)
        self.enrolled = 0

    def enrollment_id(self) -> UUID:
        """Ids that decrease as people enroll: waiting order must come from time, never from ids."""
        self.enrolled += 1
        return UUID(int=(1 << 127) - self.enrolled)

    async def program(self, chapter_id: UUID | None = None, **rules) -> UUID:
        """A program as profiles defines it now: keeping who takes part from other teams unless `members_public`
        (its pairings and waitlist places are then published as their private twins, subclasses of the public
        versions)."""
        event = ProgramDefinedV5(program_id=uuid4(), chapter_id=chapter_id, name="Into Medical School",
                                 mentee_stages=["undergraduate"], mentor_stages=["resident", "attending"], **rules)
        await projections.program_defined(event, self.platform.uow())
        return event.program_id

    async def profile(self, person: UUID, stage: str, **attributes) -> None:
        event = MatchingProfileChanged(person_id=person, chapter_id=None, stage=stage, **attributes)
        await projections.matching_profile_changed(event, self.platform.uow())

    async def person(self, program: UUID, role: str, capacity: int = 1, kind: str | None = None,
                     **attributes) -> UUID:
        """Someone whose matching profile arrives, then who enrolls (a minute after the one before)."""
        person, stage = uuid4(), "resident" if role == "mentor" else "undergraduate"
        await self.profile(person, stage, **attributes)
        await self.enroll(person, program, role, stage, capacity, kind)
        return person

    async def enroll(self, person: UUID, program: UUID, role: str, stage: str, capacity: int = 1,
                     kind: str | None = None, batch: FakeTransaction | None = None) -> None:
        """An enrollment as version 1 of the event carries it, or, with a kind, as version 2; applied alone, or
        in the transaction of a `batch` of events."""
        self.clock += timedelta(minutes=1)
        facts = dict(enrollment_id=self.enrollment_id(), person_id=person, program_id=program, chapter_id=None,
                     role=role, stage=stage, capacity=capacity, occurred_at=self.clock)
        event = EnrollmentCreated(**facts) if kind is None else EnrollmentCreatedV2(**facts, pairing_kind=kind)
        await projections.enrollment_created(event, self.platform.uow(batch))


    async def pause(self, person: UUID, program: UUID, paused: bool = True) -> None:
        """The person pauses (or resumes) their enrollment in the program, or profiles does it for them."""
        [enrollment] = [e for e in self.platform.people.enrollments.values()
                        if (e["person_id"], e["program_id"]) == (person, program)]
        event = EnrollmentChangedV4(enrollment_id=enrollment["id"], person_id=person, program_id=program,
                                    chapter_id=None, role=enrollment["role"], stage=enrollment["stage"], capacity=1,
                                    mentee_stages_welcome=[], approval="approved", changed_fields=["paused"],
                                    pairing_kind="general", paused=paused)
        await projections.enrollment_changed(event, self.platform.uow())

    async def withdraw(self, person: UUID, program: UUID) -> None:
        """The person withdraws from the program."""
        [enrollment] = [e for e in self.platform.people.enrollments.values()
                        if (e["person_id"], e["program_id"]) == (person, program)]
        event = EnrollmentWithdrawnV2(enrollment_id=enrollment["id"], person_id=person, program_id=program,
                                      chapter_id=None, role=enrollment["role"])
        await projections.enrollment_withdrawn(event, self.platform.uow())


def acting_as(person: UUID) -> Authorize:
    return lambda pairing, program: commands.Actor(person)


def administrator() -> Principal:
    """A national administrator (the programs of these tests belong to no chapter)."""
    return Principal(subject="admin", role=Role.ADMIN, person_id=uuid4())
