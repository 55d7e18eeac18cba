"""REST API of profiles under /v1: parse, authorise, call a handler, answer."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from mentorship_contracts.vocabulary import Role, Specialty, SupportArea, TrainingStage
from plumbing.auth import Principal, current_principal, forbidden
from plumbing.http import ApiError
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from ..domain import commands
from ..domain.model import AlreadyEnrolled, AlreadyRegistered, Enrollment, NotFound, Person, Program, ProfilesError
from ..service_layer import handlers
from ..service_layer.unit_of_work import ProfilesUnitOfWork

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]


def uow(request: Request) -> ProfilesUnitOfWork:
    return ProfilesUnitOfWork(request.app.state.service.pool)


UnitOfWork = Annotated[ProfilesUnitOfWork, Depends(uow)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProgramIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    chapter_id: UUID | None = None
    mentee_stages: list[TrainingStage] = Field(min_length=1)
    mentor_stages: list[TrainingStage] = Field(min_length=1)
    term_months: int = Field(default=12, ge=1, le=60)
    cadence_min_days: int = Field(default=30, ge=1, le=365)
    cadence_max_days: int = Field(default=60, ge=1, le=365)
    format: Literal["one_to_one", "group"] = "one_to_one"
    group_size: int | None = Field(default=None, ge=2, le=50)
    pairing_mode: Literal["on_registration", "rounds", "mentee_choice"] = "on_registration"
    both_must_accept: bool = False
    pair_cap: int | None = Field(default=None, ge=1)
    mentor_approval_required: bool = False
    minimum_score: int = Field(default=0, ge=0, le=100)


class ProgramOut(BaseModel):
    id: UUID
    name: str
    chapter_id: UUID | None
    pairing_mode: str

    @classmethod
    def of(cls, p: Program) -> ProgramOut:
        return cls(id=p.id, name=p.name, chapter_id=p.chapter_id, pairing_mode=p.pairing_mode)


class PersonIn(Strict):
    display_name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    stage: TrainingStage
    chapter_id: UUID | None = None
    pronouns: str | None = Field(default=None, max_length=50)
    timezone: str = "UTC"
    is_alumni: bool = False
    specialties: list[Specialty] = Field(default_factory=list, max_length=10)
    support_areas: list[SupportArea] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list, max_length=10)
    modalities: list[Literal["in_person", "virtual"]] = Field(default_factory=lambda: ["virtual"], min_length=1)
    region: str | None = Field(default=None, max_length=100)
    bio: str | None = Field(default=None, max_length=2000)


class PersonOut(BaseModel):
    id: UUID
    display_name: str
    email: str
    stage: TrainingStage
    chapter_id: UUID | None
    pronouns: str | None
    is_alumni: bool
    specialties: list[Specialty]
    support_areas: list[SupportArea]

    @classmethod
    def of(cls, p: Person) -> PersonOut:
        return cls(**{name: getattr(p, name) for name in cls.model_fields})


class EnrollmentIn(Strict):
    person_id: UUID
    program_id: UUID
    role: Role
    capacity: int = Field(default=1, ge=1, le=10, description="Mentees at once (mentors)")
    mentee_stages_welcome: list[TrainingStage] = Field(default_factory=list)


class EnrollmentOut(BaseModel):
    id: UUID
    person_id: UUID
    program_id: UUID
    role: Role
    capacity: int
    approval: str

    @classmethod
    def of(cls, e: Enrollment) -> EnrollmentOut:
        return cls(id=e.id, person_id=e.person_id, program_id=e.program_id, role=e.role, capacity=e.capacity,
                   approval=e.approval)


def _may_manage_chapter(caller: Principal, chapter_id: UUID | None) -> bool:
    return caller.is_admin or caller.coordinates(chapter_id)


@router.post("/programs", status_code=201)
async def define_program(body: ProgramIn, caller: Caller, unit: UnitOfWork) -> ProgramOut:
    if not _may_manage_chapter(caller, body.chapter_id):
        raise forbidden("only a national administrator, or a coordinator of its chapter, may define a program")
    return ProgramOut.of(await handlers.define_program(commands.DefineProgram(**body.model_dump()), unit))


@router.post("/people", status_code=201)
async def register_person(body: PersonIn, caller: Caller, unit: UnitOfWork) -> PersonOut:
    if caller.role == "coordinator" and not caller.coordinates(body.chapter_id):
        raise forbidden("a coordinator registers people of their own chapter only")
    return PersonOut.of(await handlers.register_person(commands.RegisterPerson(**body.model_dump()), unit))


@router.get("/people/{person_id}")
async def get_person(person_id: UUID, caller: Caller, unit: UnitOfWork) -> PersonOut:
    person = await handlers.get_person(person_id, unit)
    if not (caller.is_person(person.id) or _may_manage_chapter(caller, person.chapter_id)):
        raise forbidden("you may read your own profile, or those of your chapter as its coordinator")
    return PersonOut.of(person)


@router.post("/enrollments", status_code=201)
async def enroll(body: EnrollmentIn, caller: Caller, unit: UnitOfWork) -> EnrollmentOut:
    def authorize(person: Person, program: Program) -> None:
        if not (caller.is_person(person.id) or _may_manage_chapter(caller, person.chapter_id)):
            raise forbidden("you may enroll yourself, or people of your chapter as its coordinator")
        if caller.role == "coordinator" and not caller.coordinates(program.chapter_id):
            raise forbidden("a coordinator enrolls people in their own chapter's programs only")

    return EnrollmentOut.of(await handlers.enroll(commands.Enroll(**body.model_dump()), unit, authorize))


def as_api_error(error: ProfilesError) -> ApiError:
    status = {NotFound: 404, AlreadyEnrolled: 409, AlreadyRegistered: 409}.get(type(error), 422)
    return ApiError(status, type(error).__name__, str(error), error.field)
