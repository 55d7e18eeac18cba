"""Enrolling in a program, with an in-memory unit of work."""

from uuid import uuid4

import pytest
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role, TrainingStage as S
from profiles.domain import commands
from profiles.domain.model import AlreadyEnrolled, AlreadyRegistered, StageNotEligible
from profiles.service_layer import handlers


class FakeRepository:
    def __init__(self):
        self.items = {}

    async def add(self, item):
        self.items[item.id] = item

    async def get(self, item_id):
        return self.items.get(item_id)

    async def email_taken(self, email):
        return any(p.email.lower() == email.lower() for p in self.items.values())

    async def for_person(self, person_id, lock=False):
        return [e for e in self.items.values() if e.person_id == person_id]


class FakeUnitOfWork:
    def __init__(self):
        self.programs, self.people, self.enrollments = FakeRepository(), FakeRepository(), FakeRepository()
        self.published, self._pending = [], []

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self._pending = []

    def emit(self, *events):
        self._pending.extend(events)

    async def commit(self):
        self.published.extend(self._pending)
        self._pending = []


@pytest.fixture
async def world():
    uow = FakeUnitOfWork()
    program = await handlers.define_program(
        commands.DefineProgram(name="Into Residency", chapter_id=None, mentee_stages=[S.MEDICAL_STUDENT_4],
                               mentor_stages=[S.RESIDENT, S.FELLOW], mentor_approval_required=True), uow)
    return uow, program


async def register(uow, stage, email="someone@example.org"):
    return await handlers.register_person(commands.RegisterPerson(display_name="A Person", email=email, stage=stage), uow)


async def test_registering_announces_ids_publicly_and_contacts_only_on_the_restricted_topic(world):
    uow, _ = world
    person = await register(uow, S.RESIDENT)
    by_type = {type(e): e for e in uow.published}
    assert by_type[contract.PersonRegistered].person_id == person.id
    assert by_type[contract.ContactDetailsChanged].email == "someone@example.org"
    assert by_type[contract.ContactDetailsChanged].topic == contract.CONTACTS


async def test_the_same_email_cannot_register_twice(world):
    uow, _ = world
    await register(uow, S.RESIDENT, "twice@example.org")
    with pytest.raises(AlreadyRegistered) as refused:
        await register(uow, S.FELLOW, "TWICE@example.org")
    assert refused.value.field == "email"


async def test_a_mentor_in_a_vetted_program_waits_for_approval(world):
    uow, program = world
    mentor = await register(uow, S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, program.id, Role.MENTOR, capacity=2), uow)
    assert enrollment.approval == "pending"
    assert uow.published[-1].approval == "pending"


async def test_a_stage_the_program_does_not_take_is_refused_naming_the_stage(world):
    uow, program = world
    student = await register(uow, S.UNDERGRADUATE)
    with pytest.raises(StageNotEligible) as refused:
        await handlers.enroll(commands.Enroll(student.id, program.id, Role.MENTEE), uow)
    assert refused.value.field == "stage"


async def test_enrolling_twice_in_the_same_role_is_refused_and_nothing_is_published(world):
    uow, program = world
    mentee = await register(uow, S.MEDICAL_STUDENT_4)
    await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE), uow)
    published = len(uow.published)
    with pytest.raises(AlreadyEnrolled):
        await handlers.enroll(commands.Enroll(mentee.id, program.id, Role.MENTEE), uow)
    assert len(uow.published) == published
