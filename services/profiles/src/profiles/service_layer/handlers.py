"""Use cases of profiles: plain functions of a command and a unit of work."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID, uuid4

from ..adapters import integration_events
from ..domain import commands
from ..domain.model import AlreadyRegistered, Enrollment, NotFound, Person, Program


async def define_program(command: commands.DefineProgram, uow) -> Program:
    async with uow:
        program = Program(id=uuid4(), **vars(command))
        await uow.programs.add(program)
        uow.emit(integration_events.program_defined(program))
        await uow.commit()
        return program


async def register_person(command: commands.RegisterPerson, uow) -> Person:
    async with uow:
        if await uow.people.email_taken(command.email):
            raise AlreadyRegistered("someone is already registered with this email", field="email")
        person = Person.register(**vars(command))
        await uow.people.add(person)
        uow.emit(*integration_events.person_registered(person))
        await uow.commit()
        return person


async def get_person(person_id: UUID, uow) -> Person:
    async with uow:
        person = await uow.people.get(person_id)
        if person is None:
            raise NotFound("no such person", field="person_id")
        return person


def _anyone(person: Person, program: Program) -> None:
    return None


async def enroll(command: commands.Enroll, uow, authorize: Callable[[Person, Program], None] = _anyone) -> Enrollment:
    """Enroll a person in a program; `authorize` may refuse, by raising, once both are known."""
    async with uow:
        person = await uow.people.get(command.person_id)
        if person is None:
            raise NotFound("no such person", field="person_id")
        program = await uow.programs.get(command.program_id)
        if program is None:
            raise NotFound("no such program", field="program_id")
        authorize(person, program)
        existing = await uow.enrollments.for_person(person.id, lock=True)
        enrollment = person.enroll(program, command.role, command.capacity, existing, command.mentee_stages_welcome)
        await uow.enrollments.add(enrollment)
        uow.emit(integration_events.enrollment_created(enrollment, person))
        await uow.commit()
        return enrollment
