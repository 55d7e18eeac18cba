"""Use cases of the console: staff roles, the people of a coordinator's chapters, vetting, suspension, invitations
and reports. Every privileged action is recorded in the audit trail in its own unit of work (`uow.audit`), naming
people by id only.

As in `handlers`, who may act is the HTTP layer's to say: a handler takes `authorize`, called once what is acted
on is known (it refuses by raising, before anything changes), and `caller`, whom the audit trail names. Only what
turns on stored facts beyond the person is refused here: a coordinator's say over staff accounts (`_suspension`),
and what would leave no national administrator able to act (their own suspension by staff, too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts.profiles import PreferredLanguage
from mentorship_contracts.vocabulary import Role, TrainingStage
from plumbing.auth import Principal
from plumbing.auth import Role as CallerRole
from plumbing.disclosure import Published, only_columns, publish_grouped

from ..adapters import integration_events
from ..domain import commands
from ..domain.console import (
    AdministratorsCall,
    CannotSuspendYourself,
    Invitation,
    InvitationRow,
    Problem,
    StaffRoles,
    read_invitations,
    require_another_administrator,
)
from ..domain.model import Enrollment, PartnerView, Person, Program, Suspension
from . import handlers
from .ports import ConsoleUnitOfWorkPort as Uow
from .ports import InvitationStatus, StaffUnitOfWorkPort

Authorize = handlers.Authorize
AuthorizeProgram = Callable[[Program], None]


# Staff roles

async def roles_of(person_id: UUID, uow: Uow, authorize: Authorize) -> tuple[StaffRoles, bool]:
    """The person's roles as granted, and whether they are suspended (the roles then count for nothing: the web app
    asks on each console request, so a suspension takes the console away at once; reinstating restores them)."""
    async with uow:
        await handlers._person(person_id, uow, authorize)
        return await uow.staff_roles.get(person_id), person_id in await uow.suspensions.suspended([person_id])


async def coordinators(uow: Uow) -> list[tuple[UUID, UUID, bool]]:
    """Every chapter's coordinators, as (chapter id, person id, whether suspended: their role then counts for
    nothing until reinstated), for an administrator to find whom to revoke."""
    async with uow:
        found = await uow.staff_roles.coordinators()
        suspended = await uow.suspensions.suspended(sorted({person for _, person in found}))
        return [(chapter, person, person in suspended) for chapter, person in found]


async def grant_coordinator(person_id: UUID, chapter_id: UUID, caller: Principal, uow: Uow) -> StaffRoles:
    async with uow:
        await handlers._existing(uow.chapters, chapter_id, "chapter_id")
        return await _change_roles(person_id, lambda roles: roles.grant_coordinator(chapter_id), "coordinator", True,
                                   caller, uow, chapter_id=chapter_id)


async def revoke_coordinator(person_id: UUID, chapter_id: UUID, caller: Principal, uow: Uow) -> StaffRoles:
    async with uow:
        return await _change_roles(person_id, lambda roles: roles.revoke_coordinator(chapter_id), "coordinator", False,
                                   caller, uow, chapter_id=chapter_id)


async def grant_administrator(person_id: UUID, caller: Principal, uow: Uow) -> StaffRoles:
    async with uow:
        return await _change_roles(person_id, StaffRoles.grant_administrator, "administrator", True, caller, uow)


async def revoke_administrator(person_id: UUID, caller: Principal, uow: Uow) -> StaffRoles:
    async with uow:
        active = await uow.staff_roles.active_administrators()
        return await _change_roles(person_id, lambda roles: roles.revoke_administrator(active),
                                   "administrator", False, caller, uow)


async def grant_administrator_by_email(email: str, caller: Principal, uow: StaffUnitOfWorkPort) -> UUID:
    """The first administrator (`python -m profiles grant-administrator <email>`): the person must exist."""
    async with uow:
        person_id = await uow.console.person_with_email(email)
        if person_id is None:
            raise handlers.no_such_person()
        await _change_roles(person_id, StaffRoles.grant_administrator, "administrator", True, caller, uow)
        return person_id


async def _change_roles(person_id: UUID, change: Callable[[StaffRoles], bool],
                        role: Literal["administrator", "coordinator"], granted: bool, caller: Principal,
                        uow: StaffUnitOfWorkPort, chapter_id: UUID | None = None) -> StaffRoles:
    """Within an open unit of work: change the roles, announce it if anything changed (which role, so that the person
    is told), audit it, commit."""
    if not await uow.console.person_exists(person_id):
        raise handlers.no_such_person()
    roles = await uow.staff_roles.get(person_id)
    if change(roles):
        await uow.staff_roles.save(roles)
        uow.emit(integration_events.staff_roles_changed(person_id, role, granted, chapter_id))
    detail = {"role": role, **({"chapter_id": str(chapter_id)} if chapter_id else {})}
    uow.audit(caller, "role.granted" if granted else "role.revoked", "person", person_id, chapter_id=chapter_id,
              detail=detail)
    await uow.commit()
    return roles


# People

@dataclass(frozen=True)
class Listed:
    person: Person
    suspended: bool
    enrollments: list[Enrollment]


def _by_staff(caller: Principal, person_id: UUID | None = None) -> bool:
    """Whether the caller acts as staff (an audited look), not as the person or a machine."""
    return caller.role in (CallerRole.COORDINATOR, CallerRole.ADMIN) and not (
        person_id is not None and caller.is_person(person_id))


async def search_people(query: commands.ConsoleSearch, caller: Principal, uow: Uow) -> tuple[list[Listed], int]:
    async with uow:
        people, total = await uow.console.search(query)
        ids = [p.id for p in people]
        suspended = await uow.suspensions.suspended(ids)
        enrollments = await uow.console.enrollments_of(ids)
        if _by_staff(caller):
            filters = {name: _plain(value) for name, value in vars(query).items()
                       if value not in (None, []) and name not in ("limit", "offset", "text")}
            if query.text:
                filters["text"] = True  # what was searched for may be a name: that it was, not what
            uow.audit(caller, "people.listed", "chapter", None,
                      chapter_id=query.chapter_ids[0] if query.chapter_ids and len(query.chapter_ids) == 1 else None,
                      detail={"filters": filters, "count": len(people)})
        await uow.commit()
        return [Listed(p, p.id in suspended, enrollments.get(p.id, [])) for p in people], total


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, bool | int) else str(value)


async def view_person(person_id: UUID, caller: Principal, uow: Uow,
                      authorize: Authorize) -> tuple[Person, Suspension | None]:
    """The person and their suspension, if suspended; a coordinator's or administrator's look is audited."""
    async with uow:
        person = await handlers._person(person_id, uow, authorize)
        suspension = await uow.suspensions.of(person.id)
        if _by_staff(caller, person_id):
            uow.audit(caller, "person.viewed", "person", person_id, chapter_id=person.chapter_id)
        await uow.commit()
        return person, suspension


async def lookup(email: str, uow: Uow) -> tuple[Person, Suspension | None, StaffRoles]:
    """Who holds the address, their suspension if suspended, and their roles: the web app's sign-in in one call."""
    async with uow:
        person = await uow.people.with_email(email)
        if person is None:
            raise handlers.no_such_person()
        return person, await uow.suspensions.of(person.id), await uow.staff_roles.get(person.id)


async def names(person_ids: list[UUID], chapter_ids: list[UUID] | None, caller: Principal,
                uow: Uow) -> list[tuple[UUID, str]]:
    async with uow:
        found = await uow.console.names(person_ids, chapter_ids)
        if _by_staff(caller):
            uow.audit(caller, "people.listed", "person", None, detail={"count": len(found), "names": True})
        await uow.commit()
        return found


async def contacts(person_ids: list[UUID], chapter_ids: list[UUID] | None, caller: Principal, uow: Uow, *,
                   for_event: UUID | None = None, chapter_id: UUID | None = None) -> list[tuple[UUID, str, str]]:
    """Names and addresses of many people at once (an event's attendance export), audited once, with how many and
    the event they were read for, under its chapter."""
    async with uow:
        found = await uow.console.contacts(person_ids, chapter_ids)
        detail: dict[str, object] = {"count": len(found)}
        if for_event is not None:
            detail["scheduled_event_id"] = str(for_event)
        uow.audit(caller, "people.contacts_read", "person", None, chapter_id=chapter_id, detail=detail)
        await uow.commit()
        return found


async def suspend_person(person_id: UUID, note: str | None, at: datetime, caller: Principal, uow: Uow,
                         authorize: Authorize) -> tuple[Person, Suspension | None]:
    return await _suspension(person_id, note, caller, uow, authorize, suspend=True, at=at)


async def reinstate_person(person_id: UUID, note: str | None, caller: Principal, uow: Uow,
                           authorize: Authorize) -> tuple[Person, Suspension | None]:
    return await _suspension(person_id, note, caller, uow, authorize, suspend=False)


async def _suspension(person_id: UUID, note: str | None, caller: Principal, uow: Uow, authorize: Authorize, *,
                      suspend: bool, at: datetime | None = None) -> tuple[Person, Suspension | None]:
    async with uow:
        administrators = await handlers.administrators_able_to_act(person_id, uow) if suspend else set()
        person = await handlers._person(person_id, uow, authorize, lock=True)
        if suspend and caller.is_person(person_id):
            raise CannotSuspendYourself("staff do not suspend their own account: suspended, they could not sign in "
                                        "to reinstate it", field="person_id")
        if not caller.is_admin:
            await _require_a_coordinators_call(person_id, suspend, uow)
        if suspend:
            assert at is not None
            require_another_administrator(person_id, administrators, "the last national administrator is not "
                                                                     "suspended: no one would be left to reinstate anyone")
            if await uow.suspensions.suspend(person_id, at, caller.person_id, caller.is_admin, note):
                uow.emit(integration_events.person_suspended(person_id))
        elif await uow.suspensions.reinstate(person_id):
            uow.emit(integration_events.person_reinstated(person_id))
        uow.audit(caller, "person.suspended" if suspend else "person.reinstated", "person", person_id,
                  chapter_id=person.chapter_id, detail={"note": note} if note else {})
        suspension = await uow.suspensions.of(person_id)
        await uow.commit()
        return person, suspension


async def _require_a_coordinators_call(person_id: UUID, suspend: bool, uow: Uow) -> None:
    """A coordinator suspends and reinstates participants; staff, and those an administrator suspended, are an
    administrator's to decide (the roles as stored: a suspended coordinator is staff still)."""
    if (await uow.staff_roles.get(person_id)).held:
        raise AdministratorsCall("only an administrator suspends or reinstates a coordinator or an administrator",
                                 field="person_id")
    suspension = await uow.suspensions.of(person_id)
    if not suspend and suspension is not None and suspension.by_administrator:
        raise AdministratorsCall("an administrator suspended this person: only an administrator reinstates them",
                                 field="person_id")


async def partners(person_id: UUID, uow: Uow, authorize: Authorize) -> list[tuple[UUID, PartnerView]]:
    """Every partner of the person's active pairings, as the partner view shows them: one call for a dashboard."""
    async with uow:
        await handlers._person(person_id, uow, authorize)
        views = []
        for pairing_id, partner_id in await uow.console.partners_of(person_id):
            partner = await uow.people.get(partner_id)
            if partner is not None:
                views.append((pairing_id, partner.as_seen_by_partner()))
        return views


# Vetting

async def vetting_queue(query: commands.VettingQueue, uow: Uow) -> tuple[list[tuple[Enrollment, str, datetime]], int]:
    async with uow:
        return await uow.console.vetting_queue(query)


async def vetting_counts(query: commands.VettingQueue, uow: Uow) -> list[tuple[UUID, int]]:
    async with uow:
        return await uow.console.vetting_counts(query)


async def approve_mentor(enrollment_id: UUID, note: str | None, caller: Principal, uow: Uow,
                         authorize: Authorize) -> Enrollment:
    return await _vet(enrollment_id, Enrollment.approve, integration_events.mentor_approved, "mentor.approved",
                      note, caller, uow, authorize)


async def suspend_mentor(enrollment_id: UUID, note: str | None, caller: Principal, uow: Uow,
                         authorize: Authorize) -> Enrollment:
    return await _vet(enrollment_id, Enrollment.suspend, integration_events.mentor_suspended, "mentor.suspended",
                      note, caller, uow, authorize)


async def _vet(enrollment_id: UUID, act: Callable[[Enrollment], None],
               announce: Callable[[Enrollment], IntegrationEvent], action: str, note: str | None,
               caller: Principal, uow: Uow, authorize: Authorize) -> Enrollment:
    async with uow:
        enrollment, person = await handlers._enrollment(enrollment_id, uow, authorize, lock=True)
        # An approval again of a mentor reported for a problem of conduct clears the review: the trail says so.
        reviewed = {"review_reason": enrollment.review_reason} if enrollment.review_reason else {}
        act(enrollment)
        await uow.enrollments.save(enrollment)
        uow.emit(announce(enrollment))
        # A suspension says whether it declined an offer to mentor or suspended an approved mentor: the console's
        # trail tells the two apart.
        stopped = {"was_approved": enrollment.was_approved} if enrollment.approval == "suspended" else {}
        uow.audit(caller, action, "enrollment", enrollment.id, chapter_id=person.chapter_id,
                  detail={"person_id": str(person.id), "program_id": str(enrollment.program_id),
                          **({"note": note} if note else {}), **stopped,
                          **(reviewed if enrollment.approval == "approved" else {})})
        await uow.commit()
        return enrollment


async def clear_review(enrollment_id: UUID, note: str | None, caller: Principal, uow: Uow,
                       authorize: Authorize) -> Enrollment:
    """A coordinator has reviewed a mentee reported for a problem of conduct, paused since: resumed, they are paired
    again (a reported mentor is approved again instead). Announced as their own resuming would be; audited. Of an
    enrollment withdrawn under review (a mentor's too), it lets its person enroll again."""
    async with uow:
        enrollment, person = await handlers._enrollment(enrollment_id, uow, authorize, lock=True)
        program = await handlers._existing(uow.programs, enrollment.program_id, "program_id")
        reason = enrollment.review_reason
        changed = enrollment.clear_review(program)
        await uow.enrollments.save(enrollment)
        if changed:
            uow.emit(integration_events.enrollment_changed(enrollment, person, changed))
        uow.audit(caller, "enrollment.review_cleared", "enrollment", enrollment.id, chapter_id=person.chapter_id,
                  detail={"person_id": str(person.id), "program_id": str(enrollment.program_id),
                          "review_reason": reason, **({"note": note} if note else {})})
        await uow.commit()
        return enrollment


# Invitations

async def preview_invitations(program_id: UUID, role: Role, text: str, uow: Uow,
                              authorize: AuthorizeProgram) -> list[InvitationRow]:
    async with uow:
        program = await handlers._existing(uow.programs, program_id, "program_id")
        authorize(program)
        rows = read_invitations(text, program, role)
        for row in (r for r in rows if r.valid):
            person = await _invitee(row, program, role, uow)
            if row.valid and person is not None:
                row.already = await _already(person.id, program, role, uow)
        return rows


async def _invitee(row: InvitationRow, program: Program, role: Role, uow: Uow) -> Person | None:
    """The person registered with the row's address, if any. One the program is not open to (of another chapter, or
    of none) makes the row invalid: inviting them would send them a sign-in link and name them to the inviter. Its
    code says no more than registering the address would (`already_registered`): not who, nor which chapter. One
    registered at a stage the program does not take in this role, whatever the file says, could not join: left out
    too (`registered_stage_not_eligible`)."""
    assert row.email is not None
    person = await uow.people.with_email(row.email)
    if person is not None and not program.open_to(person):
        row.problems.append(Problem("email", "already_registered"))
    elif person is not None and person.stage not in program.eligible_stages(role):
        row.problems.append(Problem("stage", "registered_stage_not_eligible"))
    return person


async def _already(person_id: UUID, program: Program, role: Role, uow: Uow) -> str | None:
    if await uow.console.enrolled_in(person_id, program.id, role):
        return "enrolled"
    return "invited" if await uow.invitations.held(person_id, program.id, role) else None


@dataclass(frozen=True)
class Invited:
    invitation: Invitation
    person: Person

    @property
    def name(self) -> str:
        """The name to greet them by: the one they chose. The file's is used only to register someone unknown (and is
        then theirs until they change it); for someone registered it is never shown, stored or published, since a
        school roster often holds a legal name, and greeting a trans participant by it would deadname them."""
        return self.person.display_name


async def invite(program_id: UUID, role: Role, text: str, at: datetime, caller: Principal, uow: Uow,
                 authorize: AuthorizeProgram, language: PreferredLanguage | None = None
                 ) -> tuple[list[Invited], int, int]:
    """Invite every valid row's person (registering those unknown, in their row's language, else in `language`: the
    inviter's, which their invitation is written in): the invited, how many were already invited or enrolled, how many
    rows were invalid. The same file again invites nobody twice."""
    async with uow:
        program = await handlers._existing(uow.programs, program_id, "program_id")
        authorize(program)
        rows = read_invitations(text, program, role)
        invited: list[Invited] = []
        already = 0
        timezone = "UTC"
        if program.chapter_id is not None:
            chapter = await uow.chapters.get(program.chapter_id)
            timezone = chapter.timezone if chapter else timezone
        for row in (r for r in rows if r.valid):
            assert row.email is not None and row.name is not None
            person = await _invitee(row, program, role, uow)
            if not row.valid:
                continue
            if person is None:
                person = Person.register(display_name=row.name, email=row.email, stage=row.training_stage,
                                         chapter_id=program.chapter_id, timezone=timezone,
                                         preferred_language=row.language or language)
                await uow.people.save(person)
                uow.emit(*integration_events.person_registered(person))
            elif await uow.console.enrolled_in(person.id, program.id, role):
                already += 1
                continue
            invitation = Invitation.issue(person.id, program, role, row.training_stage, at)
            if not await uow.invitations.save(invitation):
                already += 1
                continue
            uow.emit(integration_events.person_invited(invitation))
            invited.append(Invited(invitation, person))
        if invited:
            await uow.programs.note_taken_part(program.id)
        invalid = sum(1 for r in rows if not r.valid)
        uow.audit(caller, "people.invited", "program", program.id, chapter_id=program.chapter_id,
                  detail={"role": role.value, "invited": len(invited), "already_invited": already,
                          "invalid": invalid})
        await uow.commit()
        return invited, already, invalid


async def invitations_of(person_id: UUID, uow: Uow, authorize: Authorize
                         ) -> list[tuple[Invitation, InvitationStatus]]:
    async with uow:
        await handlers._person(person_id, uow, authorize)
        return await uow.invitations.listed(person_id=person_id)


async def invitations_to(program_id: UUID, status: InvitationStatus | None, uow: Uow,
                         authorize: AuthorizeProgram) -> list[tuple[Invitation, InvitationStatus]]:
    async with uow:
        program = await handlers._existing(uow.programs, program_id, "program_id")
        authorize(program)
        return await uow.invitations.listed(program_id=program_id, status=status)


# Reports

MEASURES = ("invited", "enrolled_mentees", "enrolled_mentors")


async def people_report(chapter_id: UUID | None, uow: Uow, *, exported_by: Principal | None = None) -> Published:
    """Rows: the chapter's programs (national: each chapter, and "national" for national programs); columns:
    `<stage>.<measure>` for each stage a program of the report takes, measures as in `MEASURES`; no row totals (the
    columns do not add up to anything). Suppressed by `plumbing.disclosure` as one publication of every program in
    the country, so a chapter's report and the national one cannot be set against each other. An export
    (`exported_by`) is audited."""
    async with uow:
        if chapter_id is not None:
            await handlers._existing(uow.chapters, chapter_id, "chapter_id")
        programs = await uow.programs.list()
        chapters = [str(c.id) for c in await uow.chapters.list()]
        counted = await uow.console.people_counts()
        if exported_by is not None:
            uow.audit(exported_by, "report.exported", "report", "people", chapter_id=chapter_id)
            await uow.commit()
    groups: dict[str, list[str]] = {c: [] for c in [*chapters, "national"]}
    for program in sorted(programs, key=lambda p: str(p.id)):
        groups.setdefault(str(program.chapter_id) if program.chapter_id else "national", []).append(str(program.id))

    def columns_of(of: list[Program]) -> list[str]:
        taken = {s for p in of for s in (*p.mentee_stages, *p.mentor_stages)}
        return [f"{stage.value}.{measure}" for stage in TrainingStage if stage in taken for measure in MEASURES]

    columns = columns_of(programs)
    counts = {str(p.id): [0] * len(columns) for p in programs}
    column_of = {c: i for i, c in enumerate(columns)}
    for program_id, stage, measure, count in counted:
        if program_id in counts and f"{stage}.{measure}" in column_of:
            counts[program_id][column_of[f"{stage}.{measure}"]] += count
    grouped = publish_grouped(groups, columns, counts, row_totals=False)
    if chapter_id is None:
        return grouped.across
    return only_columns(grouped.within(str(chapter_id)), columns_of([p for p in programs if p.chapter_id == chapter_id]))
