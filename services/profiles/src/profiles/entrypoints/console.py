"""REST API of the console under /v1 (issue 12; CONSOLE-SPEC.md, "profiles"): staff roles, the people of a
coordinator's chapters, vetting, suspension, invitations, reports, and what the front door needs in one call.

Who may do what: a coordinator acts within their chapters only. A thing of another chapter answers 404, as for
no such thing (its existence is not theirs to learn); a list of another chapter answers 403. An administrator acts
everywhere. A participant acts on themself only. Every privileged action is audited by its handler.

Included by `bootstrap` before `http.router`, so that `/people/names` and `/people/lookup` are matched before
`/people/{person_id}`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from mentorship_contracts.profiles import ApprovalState, PreferredLanguage
from mentorship_contracts.vocabulary import Role, Specialty, TrainingStage
from plumbing.auth import Principal, current_principal, forbidden
from plumbing.auth import Role as CallerRole
from plumbing.disclosure import PublishedOut, as_csv
from plumbing.errors import NotFound
from plumbing.http import answers, unit_of_work
from plumbing.validation import IDS_AT_ONCE, Limit, MultilineText, Offset, Text, comma_separated_ids
from pydantic import BaseModel, Field

from ..domain import commands
from ..domain.console import InvitationRow, StaffRoles
from ..domain.model import Enrollment, Person, Program, Suspension
from ..service_layer import console, handlers
from ..service_layer.ports import InvitationStatus
from ..service_layer.unit_of_work import ProfilesUnitOfWork
from .http import EnrollmentOut, LookupIn, PartnerOut, PersonOut, Strict, _self_or_manager

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(current_principal)]
UnitOfWork = Annotated[ProfilesUnitOfWork, Depends(unit_of_work)]
Note = Annotated[str, Text(500)]


# Who may act

def _manager_of_person(caller: Principal, *, self_too: bool = False) -> handlers.Authorize:
    """A coordinator of the person's chapter or an administrator (or a service), and with `self_too` the person;
    anyone else but the person learns nothing (404, as for no such person): not even that they exist."""
    def authorize(person: Person) -> None:
        if (self_too and caller.is_person(person.id)) or caller.is_admin or caller.coordinates(person.chapter_id):
            return
        if not caller.is_person(person.id):
            raise handlers.no_such_person()
        raise forbidden("only a coordinator of the person's chapter, or an administrator, may do this")
    return authorize


def _manager_of_program(caller: Principal) -> console.AuthorizeProgram:
    def authorize(program: Program) -> None:
        if caller.is_admin or caller.coordinates(program.chapter_id):
            return
        if caller.role is CallerRole.COORDINATOR:
            raise NotFound("no such program", field="program_id")
        raise forbidden("only a coordinator of the program's chapter, or an administrator, may do this")
    return authorize


def _chapters_listed(caller: Principal, chapter_id: UUID | None) -> list[UUID] | None:
    """The chapters a list may show: the one asked for, or all a coordinator's (None: every chapter, for an
    administrator). 403 for a chapter the caller does not coordinate, or a participant."""
    if caller.is_admin:
        return None if chapter_id is None else [chapter_id]
    if caller.role is CallerRole.COORDINATOR:
        if chapter_id is None:
            return sorted(caller.chapter_ids)
        if caller.coordinates(chapter_id):
            return [chapter_id]
    raise forbidden("coordinators list their own chapters' people; administrators any")


def _require_administrator(caller: Principal) -> None:
    if not caller.is_admin:
        raise forbidden("only a national administrator grants and revokes roles")


# Answers

class RolesOut(BaseModel):
    administrator: bool
    coordinator_of: list[UUID] = Field(description="The chapters the person coordinates")
    suspended: bool = Field(description="The person is suspended: their roles count for nothing until reinstated")

    @classmethod
    def of(cls, roles: StaffRoles, suspended: bool) -> RolesOut:
        return cls(administrator=roles.administrator, coordinator_of=sorted(roles.coordinator_of, key=str),
                   suspended=suspended)


class CoordinatorOut(BaseModel):
    chapter_id: UUID
    person_id: UUID
    suspended: bool = Field(description="The person is suspended: their role counts for nothing until reinstated")


class SuspensionOut(BaseModel):
    since: datetime
    by_administrator: bool = Field(description="Suspended by a national administrator: only one reinstates them")
    suspended_by: UUID | None = Field(description="Who suspended them; null when not known (suspended before this "
                                                  "was kept, and absent from the audit trail) or since erased")
    note: str | None = Field(description="Why, as they wrote it: to national administrators only (null to others, or "
                                         "when none was given)")

    @classmethod
    def of(cls, suspension: Suspension, caller: Principal) -> SuspensionOut:
        return cls(since=suspension.since, by_administrator=suspension.by_administrator,
                   suspended_by=suspension.by, note=suspension.note if caller.is_admin else None)


class StaffPersonOut(PersonOut):
    suspended: bool = Field(description="A suspended account may not sign in and is proposed to nobody")

    @classmethod
    def staff_view(cls, person: Person, suspended: bool, caller: Principal) -> StaffPersonOut:
        return cls(**PersonOut.of(person, caller).model_dump(), suspended=suspended)


class ConsolePersonOut(StaffPersonOut):
    suspension: SuspensionOut | None = Field(description="Since when, and by whom, when suspended; null otherwise")

    @classmethod
    def with_suspension(cls, person: Person, suspension: Suspension | None, caller: Principal) -> ConsolePersonOut:
        return cls(**StaffPersonOut.staff_view(person, suspension is not None, caller).model_dump(),
                   suspension=SuspensionOut.of(suspension, caller) if suspension else None)


class LookupOut(StaffPersonOut):
    roles: RolesOut


class EnrollmentBrief(BaseModel):
    id: UUID
    program_id: UUID
    role: Role
    approval: ApprovalState
    was_approved: bool | None = Field(description="Of a suspended mentor: whether they had been approved (false: "
                                                  "their offer to mentor was declined); null otherwise, or unknown")
    withdrawn: bool
    review_reason: Literal["conduct_reported"] | None = Field(
        default=None, description="Why staff are to review it before its person is paired again (`conduct_reported`: "
                                  "reported for a problem of conduct by the other side of a pairing); null otherwise")
    review_since: datetime | None = Field(default=None, description="Since when it is under review")

    @classmethod
    def of(cls, enrollment: Enrollment) -> EnrollmentBrief:
        return cls(id=enrollment.id, program_id=enrollment.program_id, role=enrollment.role,
                   approval=enrollment.approval, was_approved=enrollment.was_approved,
                   withdrawn=not enrollment.active, review_reason=enrollment.review_reason,
                   review_since=enrollment.review_since)


class ListedPersonOut(StaffPersonOut):
    enrollments: list[EnrollmentBrief]


class ConsolePeoplePage(BaseModel):
    items: list[ListedPersonOut]
    total: int
    limit: int
    offset: int


class NameOut(BaseModel):
    id: UUID
    display_name: str


class ContactOut(NameOut):
    email: str


class NoteIn(Strict):
    note: Note | None = None


class VettingItem(EnrollmentOut):
    display_name: str
    enrolled_at: datetime = Field(description="When the enrollment was made: a mentor awaiting approval has waited "
                                              "since then")


class VettingPage(BaseModel):
    items: list[VettingItem]
    total: int


class ProgramCountOut(BaseModel):
    program_id: UUID = Field(description="A program with at least one matching enrollment")
    count: int = Field(description="How many of its enrollments match")


class InvitationsIn(Strict):
    program_id: UUID
    role: Literal["mentor", "mentee"]
    csv: Annotated[str, MultilineText(262144)] = Field(
        description="A header `name,email,stage` (any order, any case), then one person a line; 1000 at most. An "
                    "optional `language` column (`en` or `es`, or the language's name) is the language someone new is "
                    "registered in")
    language: PreferredLanguage | None = Field(
        default=None, description="The language someone new is registered in when their row says none: the "
                                  "inviter's, which the web app writes their invitation in")


class ProblemOut(BaseModel):
    field: Literal["name", "email", "stage", "language", "row"]
    code: str


class PreviewRow(BaseModel):
    line: int
    name: str | None
    email: str | None
    stage: str | None
    language: str | None = Field(description="The optional `language` column: `en` or `es` once read (a new "
                                             "person is registered in it), else as the file says it")
    valid: bool
    problems: list[ProblemOut]
    already: Literal["invited", "enrolled"] | None

    @classmethod
    def of(cls, row: InvitationRow) -> PreviewRow:
        return cls(line=row.line, name=row.name, email=row.email, stage=row.stage, language=row.language,
                   valid=row.valid,
                   problems=[ProblemOut(field=p.field, code=p.code) for p in row.problems],  # type: ignore[arg-type]
                   already=row.already)  # type: ignore[arg-type]


class PreviewOut(BaseModel):
    rows: list[PreviewRow]
    valid: int
    invalid: int


class InvitedOut(BaseModel):
    invitation_id: UUID
    person_id: UUID
    email: str
    display_name: str = Field(description="The name the person chose, to greet them by: for someone already "
                                          "registered, never the file's (a roster may hold a legal name)")
    preferred_language: str | None


class InvitationsOut(BaseModel):
    invited: list[InvitedOut] = Field(description="Those invited now: the web app emails each")
    already_invited: int
    invalid: int


class InvitationOut(BaseModel):
    invitation_id: UUID
    program_id: UUID
    role: Role
    status: InvitationStatus


class ProgramInvitationOut(InvitationOut):
    person_id: UUID


class ConsolePartnerOut(PartnerOut):
    pairing_id: UUID


# Staff roles

@router.get("/people/{person_id}/roles")
async def roles_of(person_id: UUID, caller: Caller, unit: UnitOfWork) -> RolesOut:
    """The person's staff roles, and whether they are suspended (then their roles count for nothing): for the
    person, the web app (its service token) and administrators."""
    def authorize(person: Person) -> None:
        if not (caller.is_person(person.id) or caller.is_admin):
            if not caller.coordinates(person.chapter_id):  # not to learn that they exist: as for no such person
                raise handlers.no_such_person()
            raise forbidden("a person's roles are theirs, the web app's and administrators' to read")
    return RolesOut.of(*await console.roles_of(person_id, unit, authorize))


@router.get("/coordinators")
async def coordinators(caller: Caller, unit: UnitOfWork) -> list[CoordinatorOut]:
    """Every chapter's coordinators, by chapter: for national administrators only, who grant and revoke the role
    (a coordinator who left is found here, to revoke on their person's page). Not to a service either: no service
    needs whom a chapter's staff are."""
    if caller.role is not CallerRole.ADMIN:
        raise forbidden("only a national administrator lists the coordinators")
    return [CoordinatorOut(chapter_id=c, person_id=p, suspended=s) for c, p, s in await console.coordinators(unit)]


@router.put("/people/{person_id}/roles/coordinator/{chapter_id}", status_code=204)
async def grant_coordinator(person_id: UUID, chapter_id: UUID, caller: Caller, unit: UnitOfWork) -> Response:
    _require_administrator(caller)
    await console.grant_coordinator(person_id, chapter_id, caller, unit)
    return Response(status_code=204)


@router.delete("/people/{person_id}/roles/coordinator/{chapter_id}", status_code=204)
async def revoke_coordinator(person_id: UUID, chapter_id: UUID, caller: Caller, unit: UnitOfWork) -> Response:
    _require_administrator(caller)
    await console.revoke_coordinator(person_id, chapter_id, caller, unit)
    return Response(status_code=204)


@router.put("/people/{person_id}/roles/administrator", status_code=204)
async def grant_administrator(person_id: UUID, caller: Caller, unit: UnitOfWork) -> Response:
    _require_administrator(caller)
    await console.grant_administrator(person_id, caller, unit)
    return Response(status_code=204)


@router.delete("/people/{person_id}/roles/administrator", status_code=204, responses=answers(409))
async def revoke_administrator(person_id: UUID, caller: Caller, unit: UnitOfWork) -> Response:
    """409 `last_administrator` for the last one not suspended: someone must remain able to grant roles."""
    _require_administrator(caller)
    await console.revoke_administrator(person_id, caller, unit)
    return Response(status_code=204)


# People

UNDER_REVIEW = ("true: with an enrollment (of the role and program given) under review after a report of conduct, "
                "its person held from new pairings until staff look into it; false: with one not under review")


@router.get("/people")
async def search_people(
    caller: Caller,
    unit: UnitOfWork,
    stage: Annotated[list[TrainingStage], Query()] = [],  # noqa: B006 (FastAPI copies query defaults)
    role: Role | None = None,
    program_id: UUID | None = None,
    approval: Annotated[ApprovalState | None, Query(description="Of a mentor enrollment")] = None,
    suspended: bool | None = None,
    q: Annotated[str | None, Text(200), Query(description="Part of a display name or email, any case")] = None,
    specialty: Specialty | None = None,
    chapter_id: UUID | None = None,
    alumni: bool | None = None,
    under_review: Annotated[bool | None, Query(description=UNDER_REVIEW)] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> ConsolePeoplePage:
    """The coordinator's directory (alumni mentors: `alumni=true`), one page at a time, by name, each person with
    their enrollments; never identity attributes. Audited `people.listed`."""
    if caller.role == CallerRole.COORDINATOR:
        chapter_id = caller.chapter_scope(chapter_id)
        if chapter_id is None:
            raise forbidden("a coordinator searches their own chapters only, naming one when they have several")
    elif not caller.is_admin:
        raise forbidden("only coordinators and administrators search people")
    query = commands.ConsoleSearch(
        chapter_ids=None if chapter_id is None else [chapter_id], stages=stage, role=role, program_id=program_id,
        approval=approval, suspended=suspended, text=q or None, specialty=specialty, is_alumni=alumni,
        under_review=under_review, limit=limit, offset=offset)
    listed, total = await console.search_people(query, caller, unit)
    items = [ListedPersonOut(**StaffPersonOut.staff_view(item.person, item.suspended, caller).model_dump(),
                             enrollments=[EnrollmentBrief.of(e) for e in item.enrollments]) for item in listed]
    return ConsolePeoplePage(items=items, total=total, limit=limit, offset=offset)


PersonIds = Annotated[str, Query(max_length=IDS_AT_ONCE * 37,
                                 description=f"Up to {IDS_AT_ONCE} person ids, comma-separated")]


@router.get("/people/names")
async def names(
    caller: Caller,
    unit: UnitOfWork,
    ids: PersonIds,
) -> list[NameOut]:
    """Display names of these people (a coordinator: those of their chapters only; others are left out)."""
    wanted, chapters = _bulk(ids, caller)
    return [NameOut(id=i, display_name=n) for i, n in await console.names(wanted, chapters, caller, unit)]


@router.get("/people/contacts")
async def contacts(
    caller: Caller,
    unit: UnitOfWork,
    ids: PersonIds,
    for_event: Annotated[UUID | None, Query(description="The event whose registrants these are, for the audit trail")]
    = None,
    chapter_id: Annotated[UUID | None, Query(description="The chapter the trail files the read under (a "
                                                         "coordinator's own)")] = None,
) -> list[ContactOut]:
    """Display names and email addresses of these people, as `names` chooses them: for an export naming many
    people's addresses (an event's attendance), audited once (`people.contacts_read`, with the event it was for),
    not a look at each."""
    wanted, chapters = _bulk(ids, caller)
    if chapter_id is not None and not caller.is_admin and not caller.coordinates(chapter_id):
        raise forbidden("a coordinator files what they read under a chapter of theirs")
    found = await console.contacts(wanted, chapters, caller, unit, for_event=for_event, chapter_id=chapter_id)
    return [ContactOut(id=i, display_name=n, email=e) for i, n, e in found]


def _bulk(ids: str, caller: Principal) -> tuple[list[UUID], list[UUID] | None]:
    """The people asked for, and the chapters the caller may read them in (None: any)."""
    wanted = comma_separated_ids(ids)
    if caller.is_admin:
        return wanted, None
    if caller.role is CallerRole.COORDINATOR:
        return wanted, sorted(caller.chapter_ids)
    raise forbidden("only coordinators and administrators read people in bulk")


@router.post("/people/lookup")
async def find_person_by_email(body: LookupIn, caller: Caller, unit: UnitOfWork) -> LookupOut:
    """Who holds this address, whatever its case (404 when no one), whether suspended, and their staff roles: for
    the web app's sign-in by an emailed link. Services only; the address travels in the body, never in a URL."""
    if caller.role != CallerRole.SERVICE:
        raise forbidden("only a service finds people by their email address")
    person, suspension, roles = await console.lookup(body.email, unit)
    return LookupOut(**StaffPersonOut.staff_view(person, suspension is not None, caller).model_dump(),
                     roles=RolesOut.of(roles, suspension is not None))


@router.get("/people/{person_id}")
async def get_person(person_id: UUID, caller: Caller, unit: UnitOfWork) -> ConsolePersonOut:
    """The person (to themself, a coordinator of their chapter, an administrator); a staff look is audited."""
    person, suspension = await console.view_person(person_id, caller, unit, _self_or_manager(caller))
    return ConsolePersonOut.with_suspension(person, suspension, caller)


@router.post("/people/{person_id}/suspend", responses=answers(404, 409))
async def suspend_person(person_id: UUID, body: NoteIn, caller: Caller, unit: UnitOfWork) -> ConsolePersonOut:
    """Suspend the account: `profiles.person_suspended` tells the others (sessions end, no proposals). A coordinator
    suspends participants of their chapter; a coordinator or an administrator, only an administrator suspends.
    409 `cannot_suspend_yourself` for one's own account (suspended, one could not sign in to reinstate it), and
    `last_administrator` for the only national administrator not suspended: someone must remain able to reinstate."""
    person, suspension = await console.suspend_person(person_id, body.note, datetime.now(UTC), caller, unit,
                                                      _manager_of_person(caller))
    return ConsolePersonOut.with_suspension(person, suspension, caller)


@router.post("/people/{person_id}/reinstate", responses=answers(404))
async def reinstate_person(person_id: UUID, body: NoteIn, caller: Caller, unit: UnitOfWork) -> ConsolePersonOut:
    """A coordinator reinstates participants of their chapter whom no administrator suspended; anyone else, only an
    administrator reinstates."""
    person, suspension = await console.reinstate_person(person_id, body.note, caller, unit,
                                                        _manager_of_person(caller))
    return ConsolePersonOut.with_suspension(person, suspension, caller)


@router.get("/people/{person_id}/partners", responses=answers(404))
async def partners(person_id: UUID, caller: Caller, unit: UnitOfWork) -> list[ConsolePartnerOut]:
    """Every partner of the person's active pairings as the partner view shows them, in one call (the person)."""
    def authorize(person: Person) -> None:
        if not caller.is_person(person.id):
            raise forbidden("a person's partners are theirs to see")
    return [ConsolePartnerOut(**PartnerOut.of(view).model_dump(), pairing_id=pairing)
            for pairing, view in await console.partners(person_id, unit, authorize)]


@router.get("/people/{person_id}/invitations", responses=answers(404))
async def invitations_of(person_id: UUID, caller: Caller, unit: UnitOfWork) -> list[InvitationOut]:
    found = await console.invitations_of(person_id, unit, _manager_of_person(caller, self_too=True))
    return [InvitationOut(invitation_id=i.id, program_id=i.program_id, role=i.role, status=s) for i, s in found]


# Vetting

def _vetting_filter(
    caller: Caller,
    chapter_id: UUID | None = None,
    program_id: UUID | None = None,
    role: Role | None = Role.MENTOR,
    approval: ApprovalState | None = "pending",
    under_review: Annotated[bool | None, Query(description=UNDER_REVIEW)] = None,
) -> commands.VettingQueue:
    """The filters the vetting queue and its counts share, in the caller's chapters: declared once, so that the
    counts are always the queue's totals."""
    return commands.VettingQueue(_chapters_listed(caller, chapter_id), program_id, role, approval, under_review)


VettingFilter = Annotated[commands.VettingQueue, Depends(_vetting_filter)]


@router.get("/enrollments")
async def vetting_queue(query: VettingFilter, unit: UnitOfWork, limit: Limit = 20, offset: Offset = 0) -> VettingPage:
    """Enrollments of the people of the caller's chapters (by default: mentors awaiting approval), by name."""
    found, total = await console.vetting_queue(replace(query, limit=limit, offset=offset), unit)
    return VettingPage(items=[VettingItem(**EnrollmentOut.of(e).model_dump(), display_name=name, enrolled_at=made)
                              for e, name, made in found], total=total)


@router.get("/enrollments/counts")
async def vetting_counts(query: VettingFilter, unit: UnitOfWork) -> list[ProgramCountOut]:
    """How many enrollments of the caller's chapters' people match, by program (by default: mentors awaiting
    approval): what `GET /v1/enrollments` totals, for every program in one call."""
    return [ProgramCountOut(program_id=program_id, count=count)
            for program_id, count in await console.vetting_counts(query, unit)]


@router.post("/enrollments/{enrollment_id}/approve", responses=answers(409))
async def approve_mentor(enrollment_id: UUID, caller: Caller, unit: UnitOfWork,
                         body: NoteIn | None = None) -> EnrollmentOut:
    """Approve a mentor, with an optional note for the audit trail (`mentor.approved`)."""
    note = body.note if body else None
    return EnrollmentOut.of(await console.approve_mentor(enrollment_id, note, caller, unit,
                                                         _vetter(caller)))


@router.post("/enrollments/{enrollment_id}/suspend", responses=answers(409))
async def suspend_mentor(enrollment_id: UUID, caller: Caller, unit: UnitOfWork,
                         body: NoteIn | None = None) -> EnrollmentOut:
    """Suspend a mentor's enrollment, with an optional note for the audit trail (`mentor.suspended`)."""
    note = body.note if body else None
    return EnrollmentOut.of(await console.suspend_mentor(enrollment_id, note, caller, unit,
                                                         _vetter(caller)))


@router.post("/enrollments/{enrollment_id}/clear-review", responses=answers(409))
async def clear_review(enrollment_id: UUID, caller: Caller, unit: UnitOfWork,
                       body: NoteIn | None = None) -> EnrollmentOut:
    """Resume a mentee paused for review (`review_reason` `conduct_reported`), with an optional note for the audit
    trail (`enrollment.review_cleared`); of an enrollment withdrawn under review (a mentor's too), clear it, so that
    its person may enroll in the program again (refused `under_review` until then). An active mentor under review is
    approved again instead (`.../approve`): 409 `under_review` for one, `conflict` for an enrollment not under
    review."""
    note = body.note if body else None
    return EnrollmentOut.of(await console.clear_review(enrollment_id, note, caller, unit, _vetter(caller)))


def _vetter(caller: Principal) -> handlers.Authorize:
    def authorize(person: Person) -> None:
        if not (caller.is_admin or caller.coordinates(person.chapter_id)):
            if not caller.is_person(person.id):  # not to learn that the enrollment exists: as for none
                raise handlers.no_such_enrollment()
            raise forbidden("only a coordinator of the person's chapter, or an administrator, vets mentors")
    return authorize


# Invitations

@router.post("/invitations/preview", responses=answers(404))
async def preview_invitations(body: InvitationsIn, caller: Caller, unit: UnitOfWork) -> PreviewOut:
    """Each row of the file, valid or with what is wrong, and whether its person is already invited or enrolled.
    Nothing is changed."""
    rows = await console.preview_invitations(body.program_id, Role(body.role), body.csv, unit,
                                             _manager_of_program(caller))
    valid = sum(1 for r in rows if r.valid)
    return PreviewOut(rows=[PreviewRow.of(r) for r in rows], valid=valid, invalid=len(rows) - valid)


@router.post("/invitations", responses=answers(404))
async def invite(body: InvitationsIn, caller: Caller, unit: UnitOfWork) -> InvitationsOut:
    """Invite each valid row's person (once per email, program and role: the same file again invites nobody);
    those unknown become people of the program's chapter, under the file's name. The web app emails each of
    `invited`, greeting them by `display_name`: for someone already registered, the name they chose, never the file's
    (which is neither stored nor published for them)."""
    invited, already, invalid = await console.invite(body.program_id, Role(body.role), body.csv, datetime.now(UTC),
                                                     caller, unit, _manager_of_program(caller), body.language)
    return InvitationsOut(
        invited=[InvitedOut(invitation_id=i.invitation.id, person_id=i.person.id, email=i.person.email,
                            display_name=i.name, preferred_language=i.person.preferred_language) for i in invited],
        already_invited=already, invalid=invalid)


@router.get("/invitations", responses=answers(404))
async def invitations_to(caller: Caller, unit: UnitOfWork, program_id: UUID,
                         status: InvitationStatus | None = None) -> list[ProgramInvitationOut]:
    found = await console.invitations_to(program_id, status, unit, _manager_of_program(caller))
    return [ProgramInvitationOut(invitation_id=i.id, program_id=i.program_id, role=i.role, status=s,
                                 person_id=i.person_id) for i, s in found]


# Reports

def _report_scope(caller: Principal, chapter_id: UUID | None) -> UUID | None:
    if caller.is_admin:
        return chapter_id
    if caller.role is CallerRole.COORDINATOR:
        scoped = caller.chapter_scope(chapter_id)
        if scoped is not None:
            return scoped
    raise forbidden("coordinators report on their own chapter; administrators on any, or nationally")


@router.get("/reports/people", responses=answers(404))
async def people_report(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None) -> PublishedOut:
    """Rows: the chapter's programs (no chapter, administrators: each chapter, and `national` for national
    programs). Columns: `<stage>.<measure>` for each stage a program of the report takes, measures `invited`,
    `enrolled_mentees`, `enrolled_mentors` (active enrollments; stage: the person's). Small counts suppressed."""
    return PublishedOut.of(await console.people_report(_report_scope(caller, chapter_id), unit))


@router.get("/reports/people.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "The report as CSV"},
    **answers(404)})
async def people_report_csv(caller: Caller, unit: UnitOfWork, chapter_id: UUID | None = None) -> Response:
    """The same, as CSV: a suppressed count is `<5` (fewer than the threshold) or empty (withheld). Audited."""
    published = await console.people_report(_report_scope(caller, chapter_id), unit, exported_by=caller)
    return Response(content=as_csv(published), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="people.csv"'})


