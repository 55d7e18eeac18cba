"""An in-memory unit of work for the handlers, and a small world to act in."""

from __future__ import annotations

import copy

import pytest
from mentorship_contracts.vocabulary import TrainingStage as S
from profiles.domain import commands
from profiles.service_layer import handlers


class FakeRepository:
    """Keeps copies, as a database would: a change counts only once saved."""

    def __init__(self):
        self.items = {}

    async def save(self, item):
        self.items[item.id] = copy.deepcopy(item)

    async def get(self, item_id, lock=False):
        return copy.deepcopy(self.items.get(item_id))

    async def list(self, chapter_id=None):
        return [copy.deepcopy(i) for i in self.items.values() if chapter_id in (None, getattr(i, "chapter_id", None))]

    async def remove(self, item_id):
        self.items.pop(item_id)

    async def email_taken(self, email, by_other_than=None):
        return any(p.email.lower() == email.lower() and p.id != by_other_than for p in self.items.values())

    async def for_person(self, person_id):
        return [copy.deepcopy(e) for e in self.items.values() if e.person_id == person_id]


class FakeUnitOfWork:
    def __init__(self):
        self.chapters, self.programs, self.people, self.enrollments = (FakeRepository() for _ in range(4))
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

    def published_since(self, mark: int) -> list:
        return self.published[mark:]


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
async def chapter(uow):
    return await handlers.define_chapter(commands.DefineChapter("Meharry", "America/Chicago"), uow)


@pytest.fixture
async def vetted_program(uow, chapter):
    return await handlers.define_program(commands.DefineProgram(
        name="Into Residency", chapter_id=chapter.id, mentee_stages=[S.MEDICAL_STUDENT_3, S.MEDICAL_STUDENT_4],
        mentor_stages=[S.RESIDENT, S.FELLOW], mentor_approval_required=True), uow)


@pytest.fixture
def register(uow, chapter):
    async def register(stage=S.RESIDENT, email=None, **details):
        email = email or f"person{len(uow.people.items)}@example.org"
        return await handlers.register_person(commands.RegisterPerson(
            display_name="A Person", email=email, stage=stage, chapter_id=chapter.id, **details), uow)
    return register
