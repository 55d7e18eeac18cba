"""The console's use cases (staff roles, suspension, vetting with notes, invitations from a file, a mentor's
pause, their own or once they stop answering), with an in-memory unit of work."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from mentorship_contracts import matching
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.auth import Principal
from plumbing.auth import Role as CallerRole
from plumbing.errors import Forbidden, Invalid, NotFound
from plumbing.http import ApiError
from plumbing.testing import FakeUnitOfWork
from profiles.domain import commands
from profiles.domain.console import (
    CannotEraseYourself,
    CannotSuspendYourself,
    Invitation,
    LastAdministrator,
    StaffRoles,
    read_invitations,
    stage_written,
)
from profiles.domain.model import MembersPublicFixed, Suspension
from profiles.entrypoints import console as console_http
from profiles.entrypoints import http
from profiles.service_layer import console, handlers

from .conftest import (
    STAFF,
    FakeChapters,
    FakeEmailChanges,
    FakeEnrollments,
    FakePartnerships,
    FakePeople,
    FakeProfilesUnitOfWork,
    FakePrograms,
    FakeStaffRoles,
    anyone,
)

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
ADMINISTRATOR = Principal(subject="admin", role=CallerRole.ADMIN, person_id=uuid4())


class FakeSuspensions:
    def __init__(self) -> None:
        self.people: set[UUID] = set()  # read by the staff roles' fake, which skips those suspended
        self.held: dict[UUID, Suspension] = {}

    async def suspended(self, person_ids: list[UUID]) -> set[UUID]:
        return self.people & set(person_ids)

    async def suspend(self, person_id: UUID, at: datetime, by: UUID | None, by_administrator: bool,
                      note: str | None) -> bool:
        held = self.held.get(person_id)
        if held is None or by_administrator:
            self.held[person_id] = Suspension(held.since if held else at, by_administrator, by, note)
        self.people.add(person_id)
        return held is None

    async def of(self, person_id: UUID) -> Suspension | None:
        return self.held.get(person_id)

    async def reinstate(self, person_id: UUID) -> bool:
        self.people.discard(person_id)
        return self.held.pop(person_id, None) is not None


class FakeInvitations:
    def __init__(self, enrollments: Callable[[], FakeEnrollments]) -> None:
        self.items: dict[tuple[UUID, UUID, Role], Invitation] = {}
        self._enrollments = enrollments  # a function: the unit of work restores repositories by copying their state

    async def save(self, invitation: Invitation) -> bool:
        key = (invitation.person_id, invitation.program_id, invitation.role)
        if key in self.items:
            return False
        self.items[key] = invitation
        return True

    def _status(self, invitation: Invitation) -> str:
        accepted = any((e.person_id, e.program_id, e.role) == (invitation.person_id, invitation.program_id,
                                                                 invitation.role)
                       for e in self._enrollments().items.values())
        return "accepted" if accepted else "pending"

    async def held(self, person_id: UUID, program_id: UUID, role: Role):
        invitation = self.items.get((person_id, program_id, role))
        return self._status(invitation) if invitation else None

    async def listed(self, *, person_id=None, program_id=None, status=None):
        return [(i, self._status(i)) for i in self.items.values()
                if person_id in (None, i.person_id) and program_id in (None, i.program_id)
                and status in (None, self._status(i))]


class FakeConsoleQueries:
    """The few questions the handlers here ask beyond one aggregate (searching is the database's: integration)."""

    def __init__(self, uow: Callable[[], FakeUnitOfWork]) -> None:
        self._uow = uow  # a function: the unit of work restores repositories by copying their state

    async def person_with_email(self, email: str) -> UUID | None:
        person = await self._uow().people.with_email(email)
        return person.id if person else None

    async def person_exists(self, person_id: UUID) -> bool:
        return person_id in self._uow().people.items

    async def enrolled_in(self, person_id: UUID, program_id: UUID, role: Role) -> bool:
        return any((e.person_id, e.program_id, e.role) == (person_id, program_id, role)
                   for e in self._uow().enrollments.items.values())

    async def vetting_counts(self, query: commands.VettingQueue) -> list[tuple[UUID, int]]:
        people = self._uow().people.items
        matched = Counter(
            e.program_id for e in self._uow().enrollments.items.values()
            if e.active and (query.chapter_ids is None or people[e.person_id].chapter_id in query.chapter_ids)
            and query.program_id in (None, e.program_id) and query.role in (None, e.role)
            and query.approval in (None, e.approval)
            and query.under_review in (None, e.review_reason is not None))
        return sorted(matched.items())


@pytest.fixture
def uow() -> FakeUnitOfWork:
    unit = FakeProfilesUnitOfWork(chapters=FakeChapters(), programs=FakePrograms(), people=FakePeople(lambda: unit),
                          enrollments=FakeEnrollments(lambda: unit), partnerships=FakePartnerships(),
                          email_changes=FakeEmailChanges(), staff_roles=FakeStaffRoles(lambda: unit.suspensions.people),
                          suspensions=FakeSuspensions(),
                          invitations=FakeInvitations(lambda: unit.enrollments),
                          console=FakeConsoleQueries(lambda: unit))
    return unit


def coordinator_of(chapter_id: UUID) -> Principal:
    return Principal(subject="coordinator", role=CallerRole.COORDINATOR, person_id=uuid4(),
                     chapter_ids=frozenset({chapter_id}))


def staff_member(person_id: UUID, role: CallerRole = CallerRole.ADMIN, *chapter_ids: UUID) -> Principal:
    """The console's caller, signed in as this person (the web app's token for staff)."""
    return Principal(subject=str(person_id), role=role, person_id=person_id, chapter_ids=frozenset(chapter_ids))


async def administrators(uow, register, how_many: int) -> list[UUID]:
    """National administrators, registered and granted the role (able to act: none is suspended)."""
    people = [await register() for _ in range(how_many)]
    for person in people:
        await console.grant_administrator(person.id, ADMINISTRATOR, uow)
    return [p.id for p in people]


# Staff roles

def test_granting_a_role_twice_changes_nothing_the_second_time():
    roles = StaffRoles(uuid4())
    chapter = uuid4()
    assert roles.grant_coordinator(chapter) is True
    assert roles.grant_coordinator(chapter) is False
    assert roles.coordinator_of == {chapter}


async def test_revoking_a_role_or_granting_administrator_says_which_role_changed_and_how(uow, register, chapter):
    person = await register()
    await console.grant_coordinator(person.id, chapter.id, ADMINISTRATOR, uow)
    await console.revoke_coordinator(person.id, chapter.id, ADMINISTRATOR, uow)
    await console.grant_administrator(person.id, ADMINISTRATOR, uow)
    changes = [(e.role, e.granted, e.chapter_id) for e in uow.published if isinstance(e, contract.StaffRolesChangedV2)]
    assert changes == [("coordinator", True, chapter.id), ("coordinator", False, chapter.id),
                       ("administrator", True, None)]


def test_the_last_administrator_keeps_the_role():
    roles = StaffRoles(uuid4(), administrator=True)
    with pytest.raises(LastAdministrator) as refused:
        roles.revoke_administrator(active={roles.person_id})
    assert refused.value.code == "last_administrator"
    assert roles.revoke_administrator(active={roles.person_id, uuid4()}) is True and not roles.administrator


def test_a_suspended_administrators_role_is_revoked_even_when_only_one_other_can_act():
    suspended = StaffRoles(uuid4(), administrator=True)
    assert suspended.revoke_administrator(active={uuid4()}) is True


async def test_an_administrator_grants_a_coordinator_role_which_is_announced_and_audited(uow, register, chapter):
    person = await register()
    await console.grant_coordinator(person.id, chapter.id, ADMINISTRATOR, uow)
    assert (await uow.staff_roles.get(person.id)).coordinator_of == {chapter.id}
    announced = uow.published[-1]
    assert announced == contract.StaffRolesChangedV2(person_id=person.id, role="coordinator", granted=True,
                                                     chapter_id=chapter.id, event_id=announced.event_id,
                                                     occurred_at=announced.occurred_at)  # so they are told
    entry = uow.audited[-1]
    assert (entry.action, entry.subject_id, entry.chapter_id, entry.actor) == (
        "role.granted", str(person.id), chapter.id, str(ADMINISTRATOR.person_id))


async def test_defining_and_changing_chapters_and_programs_is_audited_with_what_changed(uow):
    """Programs and chapters are the console's to define and change: who set a program's rules, and when, is on the
    trail like every other privileged action; a refused change leaves no entry."""
    chapter = await handlers.define_chapter(commands.DefineChapter("Howard", "America/New_York"), ADMINISTRATOR, uow)
    await handlers.change_chapter(commands.ChangeChapter(chapter.id, {"name": "Howard U"}), ADMINISTRATOR, uow)
    coordinator = coordinator_of(chapter.id)
    program = await handlers.define_program(commands.DefineProgram(
        name="Into Residency", chapter_id=chapter.id, mentee_stages=[S.MEDICAL_STUDENT_3],
        mentor_stages=[S.RESIDENT]), coordinator, uow)
    await handlers.change_program(commands.ChangeProgram(program.id, {"pair_cap": 25, "mentor_stages": [S.FELLOW]}),
                                  coordinator, uow, anyone)
    with pytest.raises(Invalid):
        await handlers.change_program(commands.ChangeProgram(program.id, {"cadence_min_days": 90}), coordinator, uow,
                                      anyone)
    with pytest.raises(Forbidden):
        await handlers.change_program(commands.ChangeProgram(program.id, {"pair_cap": 1}), coordinator, uow,
                                      _refused)
    assert [(e.action, e.subject_kind, e.subject_id, e.chapter_id, e.actor, e.detail) for e in uow.audited] == [
        ("chapter.defined", "chapter", str(chapter.id), chapter.id, str(ADMINISTRATOR.person_id),
         {"name": "Howard", "timezone": "America/New_York"}),
        ("chapter.changed", "chapter", str(chapter.id), chapter.id, str(ADMINISTRATOR.person_id),
         {"changed": {"name": "Howard U"}}),
        ("program.defined", "program", str(program.id), chapter.id, str(coordinator.person_id),
         {"name": "Into Residency"}),
        ("program.changed", "program", str(program.id), chapter.id, str(coordinator.person_id),
         {"changed": {"mentor_stages": ["fellow"], "pair_cap": 25}}),
    ]


def _refused(*_: object) -> None:
    raise Forbidden("not this caller")


async def test_granting_a_role_already_held_announces_nothing(uow, register, chapter):
    person = await register()
    await console.grant_coordinator(person.id, chapter.id, ADMINISTRATOR, uow)
    announced = len(uow.published)
    await console.grant_coordinator(person.id, chapter.id, ADMINISTRATOR, uow)
    assert len(uow.published) == announced


async def test_revoking_the_last_administrator_is_refused_and_leaves_no_trace(uow, register):
    person = await register()
    await console.grant_administrator(person.id, ADMINISTRATOR, uow)
    audited = len(uow.audited)
    with pytest.raises(LastAdministrator):
        await console.revoke_administrator(person.id, ADMINISTRATOR, uow)
    assert (await uow.staff_roles.get(person.id)).administrator
    assert len(uow.audited) == audited


async def test_a_role_is_granted_to_people_who_exist_only(uow, chapter):
    with pytest.raises(NotFound):
        await console.grant_coordinator(uuid4(), chapter.id, ADMINISTRATOR, uow)
    with pytest.raises(NotFound):
        await console.grant_administrator_by_email("nobody@example.org", ADMINISTRATOR, uow)


async def test_the_first_administrator_is_named_by_email(uow, register):
    person = await register(email="First.Admin@example.org")
    assert await console.grant_administrator_by_email("first.admin@example.org", ADMINISTRATOR, uow) == person.id
    assert (await uow.staff_roles.get(person.id)).administrator


# Suspension, vetting, looking at a person

async def test_only_an_administrator_suspends_or_reinstates_staff_of_the_chapter(uow, register, chapter):
    coordinator = coordinator_of(chapter.id)
    await administrators(uow, register, 1)  # another, able to act while the one granted below is suspended
    for grant in (lambda p: console.grant_administrator(p, ADMINISTRATOR, uow),
                  lambda p: console.grant_coordinator(p, chapter.id, ADMINISTRATOR, uow)):
        staff = await register()
        await grant(staff.id)
        with pytest.raises(Forbidden):
            await console.suspend_person(staff.id, None, NOW, coordinator, uow, anyone)
        assert uow.suspensions.people == set()
        await console.suspend_person(staff.id, None, NOW, ADMINISTRATOR, uow, anyone)
        with pytest.raises(Forbidden):
            await console.reinstate_person(staff.id, None, coordinator, uow, anyone)
        await console.reinstate_person(staff.id, None, ADMINISTRATOR, uow, anyone)
        assert uow.suspensions.people == set()


async def test_a_staff_members_profile_is_theirs_or_an_administrators_to_change_not_a_coordinators(
        uow, register, chapter):
    coordinator = coordinator_of(chapter.id)
    staff = await register()
    await console.grant_coordinator(staff.id, chapter.id, ADMINISTRATOR, uow)
    with pytest.raises(Forbidden):
        await handlers.update_person(commands.UpdatePerson(
            staff.id, {"display_name": "Someone Else"}, coordinator.person_id), uow, anyone)
    assert (await uow.people.get(staff.id)).display_name != "Someone Else"
    await handlers.update_person(commands.UpdatePerson(
        staff.id, {"bio": "By an administrator"}, ADMINISTRATOR.person_id, by_administrator=True), uow, anyone)
    await handlers.update_person(commands.UpdatePerson(staff.id, {"bio": "By themself"}, staff.id), uow, anyone)
    participant = await register()
    await handlers.update_person(commands.UpdatePerson(
        participant.id, {"bio": "By their coordinator"}, coordinator.person_id), uow, anyone)
    assert (await uow.people.get(participant.id)).bio == "By their coordinator"


async def test_a_coordinator_does_not_undo_an_administrators_suspension(uow, register, chapter):
    coordinator = coordinator_of(chapter.id)
    by_administrator, by_both = await register(), await register()
    await console.suspend_person(by_administrator.id, None, NOW, ADMINISTRATOR, uow, anyone)
    await console.suspend_person(by_both.id, None, NOW, coordinator, uow, anyone)
    await console.suspend_person(by_both.id, None, NOW, ADMINISTRATOR, uow, anyone)
    for person in (by_administrator, by_both):
        with pytest.raises(Forbidden):
            await console.reinstate_person(person.id, None, coordinator, uow, anyone)
    assert uow.suspensions.people == {by_administrator.id, by_both.id}


async def test_a_suspension_says_since_when_by_whom_and_why_and_an_administrators_takes_it_over(
        uow, register, chapter):
    coordinator = coordinator_of(chapter.id)
    person = await register()
    await console.suspend_person(person.id, "missed three meetings", NOW, coordinator, uow, anyone)
    _, suspension = await console.view_person(person.id, coordinator, uow, anyone)
    assert suspension == Suspension(NOW, False, coordinator.person_id, "missed three meetings")
    later = NOW + timedelta(days=1)
    await console.suspend_person(person.id, "conduct reported", later, ADMINISTRATOR, uow, anyone)
    _, suspension = await console.view_person(person.id, ADMINISTRATOR, uow, anyone)
    assert suspension == Suspension(NOW, True, ADMINISTRATOR.person_id, "conduct reported")
    await console.reinstate_person(person.id, None, ADMINISTRATOR, uow, anyone)
    assert (await console.view_person(person.id, ADMINISTRATOR, uow, anyone))[1] is None


async def test_a_suspended_coordinators_roles_are_answered_with_their_suspension_until_reinstated(uow, register, chapter):
    """The web app asks for a person's roles on each console request: the suspension counts from the next one, and
    an administrator still sees which roles reinstating gives back."""
    await administrators(uow, register, 1)  # another, able to act while this one is suspended
    person = await register(email="staff@example.org")
    await console.grant_coordinator(person.id, chapter.id, ADMINISTRATOR, uow)
    await console.grant_administrator(person.id, ADMINISTRATOR, uow)
    await console.suspend_person(person.id, None, NOW, ADMINISTRATOR, uow, anyone)
    assert await console.roles_of(person.id, uow, anyone) == (StaffRoles(person.id, True, {chapter.id}), True)
    await console.reinstate_person(person.id, None, ADMINISTRATOR, uow, anyone)
    assert await console.roles_of(person.id, uow, anyone) == (StaffRoles(person.id, True, {chapter.id}), False)


async def test_an_administrator_lists_each_chapters_coordinators_saying_who_is_suspended(uow, register, chapter):
    # Roles were read one person at a time: a coordinator who left could not be found to revoke.
    other = await handlers.define_chapter(commands.DefineChapter("Howard", "America/New_York"), STAFF, uow)
    left, stays, both = await register(), await register(), await register()
    for person, chapters in ((left, [chapter.id]), (stays, [other.id]), (both, [chapter.id, other.id])):
        for chapter_id in chapters:
            await console.grant_coordinator(person.id, chapter_id, ADMINISTRATOR, uow)
    await console.grant_administrator((await register()).id, ADMINISTRATOR, uow)  # no chapter's coordinator
    await console.suspend_person(left.id, None, NOW, ADMINISTRATOR, uow, anyone)
    listed = await console_http.coordinators(ADMINISTRATOR, uow)
    assert sorted((c.chapter_id, c.person_id, c.suspended) for c in listed) == sorted([
        (chapter.id, left.id, True), (chapter.id, both.id, False), (other.id, stays.id, False),
        (other.id, both.id, False)])


@pytest.mark.parametrize("role", [CallerRole.COORDINATOR, CallerRole.PARTICIPANT, CallerRole.SERVICE])
async def test_no_one_but_an_administrator_lists_the_coordinators(uow, register, chapter, role):
    person = await register()
    await console.grant_coordinator(person.id, chapter.id, ADMINISTRATOR, uow)
    with pytest.raises(ApiError) as refused:
        await console_http.coordinators(staff_member(person.id, role, chapter.id), uow)
    assert refused.value.status == 403


async def test_a_suspended_person_is_announced_with_the_note_in_the_audit_trail_only(uow, register, chapter):
    person = await register()
    coordinator = coordinator_of(chapter.id)
    _, suspension = await console.suspend_person(person.id, "left the program", NOW, coordinator, uow, anyone)
    assert suspension and person.id in uow.suspensions.people
    assert isinstance(uow.published[-1], contract.PersonSuspended)
    assert b"left the program" not in uow.published[-1].to_json()
    assert (uow.audited[-1].action, uow.audited[-1].detail) == ("person.suspended", {"note": "left the program"})
    _, suspension = await console.reinstate_person(person.id, None, coordinator, uow, anyone)
    assert suspension is None and isinstance(uow.published[-1], contract.PersonReinstated)
    assert uow.audited[-1].action == "person.reinstated"


async def test_an_administrator_does_not_suspend_themself_even_with_others_left_to_reinstate_them(uow, register):
    me, _other = await administrators(uow, register, 2)
    audited, announced = len(uow.audited), len(uow.published)
    with pytest.raises(CannotSuspendYourself) as refused:
        await console.suspend_person(me, "testing", NOW, staff_member(me), uow, anyone)
    assert (refused.value.status, refused.value.code, refused.value.field) == (
        409, "cannot_suspend_yourself", "person_id")
    assert uow.suspensions.people == set()
    assert (len(uow.audited), len(uow.published)) == (audited, announced)


async def test_a_coordinator_does_not_suspend_themself_either(uow, register, chapter):
    me = await register()
    await console.grant_coordinator(me.id, chapter.id, ADMINISTRATOR, uow)
    with pytest.raises(CannotSuspendYourself):
        await console.suspend_person(me.id, None, NOW, staff_member(me.id, CallerRole.COORDINATOR, chapter.id), uow,
                                     anyone)
    assert uow.suspensions.people == set()


async def test_the_last_active_administrator_is_not_suspended_and_nothing_is_left_behind(uow, register):
    [last] = await administrators(uow, register, 1)
    audited, announced = len(uow.audited), len(uow.published)
    with pytest.raises(LastAdministrator) as refused:
        await console.suspend_person(last, None, NOW, ADMINISTRATOR, uow, anyone)
    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "last_administrator", "person_id")
    assert uow.suspensions.people == set()
    assert (len(uow.audited), len(uow.published)) == (audited, announced)


async def test_a_suspended_administrator_does_not_count_as_one_left(uow, register):
    first, second = await administrators(uow, register, 2)
    await console.suspend_person(first, None, NOW, staff_member(second), uow, anyone)
    with pytest.raises(LastAdministrator):
        await console.suspend_person(second, None, NOW, ADMINISTRATOR, uow, anyone)
    with pytest.raises(LastAdministrator):
        await console.revoke_administrator(second, ADMINISTRATOR, uow)
    assert uow.suspensions.people == {first}
    # Revoking the suspended one's role leaves as many able to act as before.
    await console.revoke_administrator(first, staff_member(second), uow)
    # Once reinstated, either may be suspended again.
    await console.grant_administrator(first, staff_member(second), uow)
    await console.reinstate_person(first, None, staff_member(second), uow, anyone)
    await console.suspend_person(second, None, NOW, staff_member(first), uow, anyone)
    assert uow.suspensions.people == {second}


async def test_an_administrator_suspends_another_while_one_remains_and_anyone_who_is_not_one(uow, register):
    first, second = await administrators(uow, register, 2)
    participant = await register()
    await console.suspend_person(participant.id, None, NOW, staff_member(first), uow, anyone)
    await console.suspend_person(second, None, NOW, staff_member(first), uow, anyone)
    assert uow.suspensions.people == {participant.id, second}


# Erasure by staff

async def test_an_administrator_does_not_erase_themself_from_the_console(uow, register):
    me, _other = await administrators(uow, register, 2)
    with pytest.raises(CannotEraseYourself) as refused:
        await handlers.erase_person(commands.ErasePerson(me), staff_member(me), uow, anyone)
    assert (refused.value.status, refused.value.code, refused.value.field) == (
        409, "cannot_erase_yourself", "person_id")
    assert me in uow.people.items and (await uow.staff_roles.get(me)).administrator


async def test_an_administrator_who_is_not_the_last_erases_their_own_account_as_a_participant_would(
        uow, register):
    """From "My data" (the web app calls as the person, not as staff): their own right to be forgotten."""
    me, _other = await administrators(uow, register, 2)
    as_themself = Principal(subject=str(me), role=CallerRole.PARTICIPANT, person_id=me)
    await handlers.erase_person(commands.ErasePerson(me), as_themself, uow, anyone)
    assert me not in uow.people.items


async def test_the_last_active_administrator_is_not_erased_by_themself_or_anyone(uow, register):
    first, second = await administrators(uow, register, 2)
    await console.suspend_person(first, None, NOW, staff_member(second), uow, anyone)
    announced = len(uow.published)
    for caller in (Principal(subject=str(second), role=CallerRole.PARTICIPANT, person_id=second), ADMINISTRATOR,
                   Principal(subject="web", role=CallerRole.SERVICE)):
        with pytest.raises(LastAdministrator) as refused:
            await handlers.erase_person(commands.ErasePerson(second), caller, uow, anyone)
        assert (refused.value.code, refused.value.field) == ("last_administrator", "person_id")
    assert second in uow.people.items and len(uow.published) == announced
    # A suspended administrator is no one left to act: erasing them is no loss.
    await handlers.erase_person(commands.ErasePerson(first), ADMINISTRATOR, uow, anyone)
    assert first not in uow.people.items


async def test_a_refused_caller_suspends_no_one_and_leaves_no_trace(uow, register, chapter):
    person = await register()

    def refuse(_):
        raise NotFound("no such person", field="person_id")

    before = len(uow.audited)  # the chapter's definition
    with pytest.raises(NotFound):
        await console.suspend_person(person.id, None, NOW, coordinator_of(uuid4()), uow, refuse)
    assert uow.suspensions.people == set() and uow.audited[before:] == []


async def test_approving_a_mentor_records_the_note_against_the_enrollment(uow, register, vetted_program, chapter):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    approved = await console.approve_mentor(enrollment.id, "references checked", coordinator_of(chapter.id), uow,
                                            anyone)
    assert approved.approval == "approved" and isinstance(uow.published[-1], contract.MentorApprovedV2)
    entry = uow.audited[-1]
    assert (entry.action, entry.subject_id, entry.detail["note"]) == (
        "mentor.approved", str(enrollment.id), "references checked")


async def test_the_audit_trail_tells_a_declined_offer_to_mentor_from_a_suspended_mentor(
        uow, register, vetted_program, chapter):
    # Both are `mentor.suspended`: the console read "Declined or suspended" of either.
    declined = await handlers.enroll(commands.Enroll((await register(S.RESIDENT)).id, vetted_program.id, Role.MENTOR),
                                     uow, anyone)
    suspended = await handlers.enroll(commands.Enroll((await register(S.RESIDENT)).id, vetted_program.id,
                                                      Role.MENTOR), uow, anyone)
    coordinator = coordinator_of(chapter.id)
    await console.approve_mentor(suspended.id, None, coordinator, uow, anyone)
    await console.suspend_mentor(declined.id, None, coordinator, uow, anyone)
    await console.suspend_mentor(suspended.id, "complaint", coordinator, uow, anyone)
    said = {entry.subject_id: entry.detail.get("was_approved") for entry in uow.audited
            if entry.action == "mentor.suspended"}
    assert said == {str(declined.id): False, str(suspended.id): True}


async def test_a_mentors_enrollment_says_whether_it_was_declined_or_suspended_and_nothing_once_approved_again(
        uow, register, vetted_program, chapter):
    coordinator = coordinator_of(chapter.id)

    async def enrolled_mentor() -> UUID:
        person = await register(S.RESIDENT)
        enrollment = await handlers.enroll(commands.Enroll(person.id, vetted_program.id, Role.MENTOR), uow, anyone)
        return enrollment.id

    declined, suspended, approved_again, waiting = [await enrolled_mentor() for _ in range(4)]
    await console.suspend_mentor(declined, None, coordinator, uow, anyone)
    for approved in (suspended, approved_again):
        await console.approve_mentor(approved, None, coordinator, uow, anyone)
        await console.suspend_mentor(approved, "complaint", coordinator, uow, anyone)
    await console.approve_mentor(approved_again, "cleared", coordinator, uow, anyone)

    async def answered(enrollment_id: UUID) -> bool | None:
        # As the console's person page reads it: the person's enrollments, over the API.
        person_id = uow.enrollments.items[enrollment_id].person_id
        [answer] = await http.enrollments_of(person_id, coordinator, uow)
        return answer.was_approved

    assert [await answered(e) for e in (declined, suspended, approved_again, waiting)] == [False, True, None, None]


async def test_mentors_awaiting_approval_are_counted_by_program_and_a_coordinator_counts_their_chapters_people_only(
        uow, register, vetted_program, chapter):
    national = await handlers.define_program(commands.DefineProgram(
        name="Nationwide", chapter_id=None, mentee_stages=[S.UNDERGRADUATE], mentor_stages=[S.RESIDENT],
        mentor_approval_required=True), ADMINISTRATOR, uow)
    other_chapter = await handlers.define_chapter(commands.DefineChapter("Howard", "America/New_York"), ADMINISTRATOR,
                                                  uow)
    outsider = await handlers.register_person(commands.RegisterPerson(
        display_name="Outsider", email="outsider@example.org", stage=S.RESIDENT, chapter_id=other_chapter.id), uow)

    async def mentor_in(program, person=None):
        person = person or await register()
        return await handlers.enroll(commands.Enroll(person.id, program.id, Role.MENTOR), uow, anyone)

    for program in (vetted_program, vetted_program, national):
        await mentor_in(program)
    await mentor_in(national, outsider)
    approved = await mentor_in(vetted_program)
    await console.approve_mentor(approved.id, None, ADMINISTRATOR, uow, anyone)

    coordinator = coordinator_of(chapter.id)
    assert await console.vetting_counts(commands.VettingQueue(sorted(coordinator.chapter_ids)), uow) == sorted(
        [(vetted_program.id, 2), (national.id, 1)])
    assert await console.vetting_counts(commands.VettingQueue(None), uow) == sorted(  # an administrator's
        [(vetted_program.id, 2), (national.id, 2)])


async def test_a_coordinator_looking_at_a_person_is_audited_and_the_person_looking_at_themself_is_not(
        uow, register, chapter):
    person = await register()
    before = len(uow.audited)  # the chapter's definition
    await console.view_person(person.id, coordinator_of(chapter.id), uow, anyone)
    assert [e.action for e in uow.audited[before:]] == ["person.viewed"]
    themself = Principal(subject=str(person.id), role=CallerRole.PARTICIPANT, person_id=person.id)
    await console.view_person(person.id, themself, uow, anyone)
    assert [e.action for e in uow.audited[before:]] == ["person.viewed"]


# A mentor's pause

async def test_a_mentor_pauses_and_the_change_carries_the_pause(uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    paused = await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"paused": True}), uow, anyone)
    assert paused.paused
    event = uow.published[-1]
    assert isinstance(event, contract.EnrollmentChangedV4) and event.paused and event.changed_fields == ["paused"]


async def test_a_mentee_pauses_and_resumes_too(uow, register, vetted_program):
    mentee = await register(S.MEDICAL_STUDENT_3)
    enrollment = await handlers.enroll(commands.Enroll(mentee.id, vetted_program.id, Role.MENTEE), uow, anyone)
    for paused in (True, False):
        changed = await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"paused": paused}), uow,
                                                   anyone)
        event = uow.published[-1]
        assert changed.paused == paused and isinstance(event, contract.EnrollmentChangedV4)
        assert (event.paused, event.changed_fields) == (paused, ["paused"])


def stopped_answering(enrollment_id: UUID, person_id: UUID, program_id: UUID,
                      role: Role = Role.MENTOR) -> matching.StoppedAnswering:
    mentee, mentor = (person_id, uuid4()) if role is Role.MENTEE else (uuid4(), person_id)
    return matching.StoppedAnswering(pairing_id=uuid4(), program_id=program_id, chapter_id=None, mentee_id=mentee,
                                     mentor_id=mentor, role=role, enrollment_id=enrollment_id, unanswered_in_a_row=2)


async def test_a_mentor_who_stopped_answering_is_paused_and_the_change_is_the_one_their_own_pause_publishes(
        uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    event = stopped_answering(enrollment.id, mentor.id, vetted_program.id)
    await handlers.pause_who_stopped_answering(event, uow)
    paused = await handlers.get_enrollment(enrollment.id, uow, anyone)
    assert (paused.paused, paused.paused_because) == (True, "unanswered")
    changed = uow.published[-1]
    assert isinstance(changed, contract.EnrollmentChangedV4) and changed.enrollment_id == enrollment.id
    assert changed.paused and changed.changed_fields == ["paused"]
    published = len(uow.published)
    await handlers.pause_who_stopped_answering(event, uow)  # redelivered
    assert len(uow.published) == published


async def test_a_mentee_who_stopped_answering_is_paused_saying_why_and_an_enrollment_of_the_other_role_is_not(
        uow, register, vetted_program):
    mentee = await register(S.MEDICAL_STUDENT_3)
    enrollment = await handlers.enroll(commands.Enroll(mentee.id, vetted_program.id, Role.MENTEE), uow, anyone)
    await handlers.pause_who_stopped_answering(
        stopped_answering(enrollment.id, mentee.id, vetted_program.id, Role.MENTOR), uow)  # not what it is
    assert not (await handlers.get_enrollment(enrollment.id, uow, anyone)).paused
    await handlers.pause_who_stopped_answering(
        stopped_answering(enrollment.id, mentee.id, vetted_program.id, Role.MENTEE), uow)
    paused = await handlers.get_enrollment(enrollment.id, uow, anyone)
    assert (paused.paused, paused.paused_because) == (True, "unanswered")


async def test_a_mentor_paused_for_not_answering_who_resumes_or_pauses_again_themselves_is_paused_for_no_reason_of_ours(
        uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    await handlers.pause_who_stopped_answering(stopped_answering(enrollment.id, mentor.id, vetted_program.id),
                                                      uow)
    for paused in (False, True):
        await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"paused": paused}), uow, anyone)
        now = await handlers.get_enrollment(enrollment.id, uow, anyone)
        assert (now.paused, now.paused_because) == (paused, None)


async def test_a_mentor_who_already_paused_is_left_as_they_are_and_nothing_is_published(
        uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"paused": True}), uow, anyone)
    published = len(uow.published)
    await handlers.pause_who_stopped_answering(stopped_answering(enrollment.id, mentor.id, vetted_program.id),
                                                      uow)
    mine = await handlers.get_enrollment(enrollment.id, uow, anyone)
    assert (mine.paused, mine.paused_because) == (True, None)  # their own pause, still
    assert len(uow.published) == published


async def test_a_withdrawn_enrollment_stays_unpaused_and_an_unknown_one_is_no_error(uow, register, vetted_program):
    mentor = await register(S.RESIDENT)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    await handlers.withdraw_enrollment(commands.WithdrawEnrollment(enrollment.id), uow, anyone)
    published = len(uow.published)
    for enrollment_id in (enrollment.id, uuid4()):
        await handlers.pause_who_stopped_answering(stopped_answering(enrollment_id, mentor.id,
                                                                            vetted_program.id), uow)
    assert not (await handlers.enrollments_of(mentor.id, uow, anyone))[0].paused
    assert len(uow.published) == published


# Invitations from a file

def problems(rows):
    return {row.line: [(p.field, p.code) for p in row.problems] for row in rows}


@pytest.mark.parametrize(("written", "stage"), [
    ("Undergrad", S.UNDERGRADUATE), ("Post-bacc", S.POST_BACCALAUREATE), ("post bac", S.POST_BACCALAUREATE),
    ("MS2", S.MEDICAL_STUDENT_2), ("MS 3", S.MEDICAL_STUDENT_3), ("M4", S.MEDICAL_STUDENT_4),
    ("PGY-1", S.RESIDENT), ("High school", S.HIGH_SCHOOL), ("Medical Student 1", S.MEDICAL_STUDENT_1),
    ("Pre-med", None), ("astronaut", None)])
def test_a_files_stage_is_read_as_advisors_spreadsheets_write_it_never_guessed(written, stage):
    # "Undergrad", "Post-bacc" and "MS2" were each refused as a stage we do not know; "Pre-med" is any of several.
    assert stage_written(written) == stage


async def test_a_row_of_an_abbreviated_stage_is_invited_at_that_stage(vetted_program):
    [row] = read_invitations("name,email,stage\nDi,di@example.org,MS 3\n", vetted_program, Role.MENTEE)
    assert (row.valid, row.training_stage) == (True, S.MEDICAL_STUDENT_3)


async def test_each_bad_row_of_a_file_names_what_is_wrong(vetted_program):
    text = ("Email,STAGE,name\n"
            "ana@example.org,resident,Ana\n"
            "not-an-address,resident,Ben\n"
            "cy@example.org,astronaut,Cy\n"
            "di@example.org,medical_student_3,Di\n"
            "ANA@example.org,fellow,Ana again\n"
            ",resident,\n"
            f"ed@example.org,fellow,{'E' * 201}\n"
            "fa@example.org,fellow,Fa\tTab\n"
            "\n")
    rows = read_invitations(text, vetted_program, Role.MENTOR)
    assert problems(rows) == {
        2: [], 3: [("email", "invalid_email")], 4: [("stage", "unknown_stage")],
        5: [("stage", "stage_not_eligible")], 6: [("email", "duplicate_in_file")],
        7: [("name", "required"), ("email", "required")], 8: [("name", "too_long")],
        9: [("name", "control_characters")],
    }
    assert (rows[0].name, rows[0].email, rows[0].stage) == ("Ana", "ana@example.org", "resident")


async def test_a_file_may_say_each_persons_language_by_its_code_or_name_in_either_language(vetted_program):
    text = ("name,email,stage,Language\n"
            "Ana,ana@example.org,resident,es\n"
            "Ben,ben@example.org,resident,Español\n"
            "Cy,cy@example.org,resident,english\n"
            "Di,di@example.org,resident,\n"
            "Ed,ed@example.org,resident,Klingon\n")
    rows = read_invitations(text, vetted_program, Role.MENTOR)
    assert [r.language for r in rows] == ["es", "es", "en", None, "Klingon"]
    assert problems(rows) == {2: [], 3: [], 4: [], 5: [], 6: [("language", "unknown_language")]}
    assert [r.language for r in read_invitations("name,email,stage\nAna,ana@example.org,resident\n", vetted_program,
                                                 Role.MENTOR)] == [None]


async def test_a_file_without_a_column_or_with_too_many_rows_offers_no_one(vetted_program):
    assert problems(read_invitations("name,email\nAna,ana@example.org\n", vetted_program, Role.MENTOR)) == {
        1: [("stage", "missing_column")]}
    # Each column missing is named: a first line of other words names none of them.
    assert problems(read_invitations("Full Name,E-mail\nAna,ana@example.org\n", vetted_program, Role.MENTOR)) == {
        1: [("name", "missing_column"), ("email", "missing_column"), ("stage", "missing_column")]}
    many = "name,email,stage\n" + "".join(f"P{i},p{i}@example.org,resident\n" for i in range(1001))
    rows = read_invitations(many, vetted_program, Role.MENTOR)
    assert [(r.valid, [p.code for p in r.problems]) for r in rows] == [(False, ["too_many_rows"])]


async def test_a_file_with_a_field_too_long_to_read_offers_no_one(vetted_program):
    text = f"name,email,stage\n{'N' * 131_073},n@example.org,resident\n"
    assert problems(read_invitations(text, vetted_program, Role.MENTOR)) == {2: [("row", "unreadable")]}


async def test_people_of_another_chapter_are_left_out_known_only_as_registered(
        uow, register, vetted_program, chapter):
    """Inviting them would send them a sign-in link to another chapter's program, and name them to its coordinator."""
    elsewhere = await handlers.define_chapter(commands.DefineChapter("Howard", "America/New_York"), ADMINISTRATOR, uow)
    await handlers.register_person(commands.RegisterPerson("B", "b@example.org", S.RESIDENT, elsewhere.id), uow)
    await handlers.register_person(commands.RegisterPerson("Admin", "admin@example.org", S.FELLOW), uow)
    text = "name,email,stage\nB,b@example.org,resident\nAdmin,admin@example.org,fellow\nNew,new@example.org,resident\n"
    registered = [("email", "already_registered")]

    rows = await console.preview_invitations(vetted_program.id, Role.MENTOR, text, uow, anyone)
    assert [(r.valid, r.already) for r in rows] == [(False, None), (False, None), (True, None)]
    assert problems(rows) == {2: registered, 3: registered, 4: []}
    invited, already, invalid = await console.invite(vetted_program.id, Role.MENTOR, text, NOW,
                                                     coordinator_of(chapter.id), uow, anyone)
    assert ([i.person.email for i in invited], already, invalid) == (["new@example.org"], 0, 2)
    assert [i.person_id for i in uow.invitations.items.values()] == [invited[0].person.id]


async def test_someone_registered_at_a_stage_the_program_does_not_take_in_that_role_is_left_out_saying_so(
        uow, register, vetted_program, chapter):
    # Invited by the file's stage, a student registered at another was emailed an invitation to a program whose join
    # page then left it out, with nothing saying why.
    await register(S.MEDICAL_STUDENT_1, email="leo@example.org")
    text = "name,email,stage\nLeo,leo@example.org,resident\nNew,new@example.org,resident\n"

    rows = await console.preview_invitations(vetted_program.id, Role.MENTOR, text, uow, anyone)
    assert problems(rows) == {2: [("stage", "registered_stage_not_eligible")], 3: []}
    invited, already, invalid = await console.invite(vetted_program.id, Role.MENTOR, text, NOW,
                                                     coordinator_of(chapter.id), uow, anyone)
    assert ([i.person.email for i in invited], already, invalid) == (["new@example.org"], 0, 1)


async def test_invitations_register_the_unknown_and_the_same_file_again_invites_nobody(
        uow, register, vetted_program, chapter):
    known = await register(S.FELLOW, email="known@example.org")
    text = "name,email,stage\nNew Person,new@example.org,resident\nKnown,KNOWN@example.org,fellow\nBad,x,resident\n"
    coordinator = coordinator_of(chapter.id)
    invited, already, invalid = await console.invite(vetted_program.id, Role.MENTOR, text, NOW, coordinator, uow,
                                                     anyone)
    assert (len(invited), already, invalid) == (2, 0, 1)
    new = next(i.person for i in invited if i.person.id != known.id)
    assert (new.display_name, new.stage, new.chapter_id, new.identity.attributes) == (
        "New Person", S.RESIDENT, chapter.id, {})
    types = [type(e) for e in uow.published]
    # Its program keeps who takes part from other teams (the default): each invitation goes as its private twin.
    assert types.count(contract.PrivatePersonInvited) == 2 and contract.PersonRegisteredV2 in types
    assert uow.audited[-1].detail == {"role": "mentor", "invited": 2, "already_invited": 0, "invalid": 1}

    again, already, _ = await console.invite(vetted_program.id, Role.MENTOR, text, NOW, coordinator, uow, anyone)
    assert (again, already) == ([], 2)
    rows = await console.preview_invitations(vetted_program.id, Role.MENTOR, text, uow, anyone)
    assert [r.already for r in rows] == ["invited", "invited", None]


async def test_once_anyone_was_invited_whether_the_programs_members_are_public_stays_as_it_was(
        uow, vetted_program, chapter):
    # Invited to a program that keeps who takes part private, they were told so: enrolling later must not be public.
    text = "name,email,stage\nNew Person,new@example.org,resident\n"
    await console.invite(vetted_program.id, Role.MENTOR, text, NOW, coordinator_of(chapter.id), uow, anyone)

    with pytest.raises(MembersPublicFixed) as refused:
        await handlers.change_program(commands.ChangeProgram(vetted_program.id, {"members_public": True}), STAFF, uow,
                                      anyone)
    assert "invited" in refused.value.message and refused.value.field == "members_public"


async def test_someone_new_is_registered_in_the_files_language_and_someone_registered_keeps_their_own(
        uow, register, vetted_program, chapter):
    """The invitation, and every email after it, reach a new person in the language the chapter knows they read;
    someone registered chose theirs."""
    known = await register(S.FELLOW, email="known@example.org")
    text = "name,email,stage,language\nNew,new@example.org,resident,es\nKnown,known@example.org,fellow,es\n"
    invited, _, _ = await console.invite(vetted_program.id, Role.MENTOR, text, NOW, coordinator_of(chapter.id), uow,
                                         anyone)
    languages = {i.person.email: i.person.preferred_language for i in invited}
    assert languages == {"new@example.org": "es", "known@example.org": known.preferred_language}
    [registered] = [e for e in uow.published if isinstance(e, contract.ContactDetailsChangedV3)
                    and e.email == "new@example.org"]
    assert registered.preferred_language == "es"


async def test_someone_new_in_a_row_saying_no_language_is_registered_in_the_inviters_as_their_invitation_is_sent(
        uow, vetted_program, chapter):
    """Invited from the console in Spanish, the invitation goes in Spanish: so do their site and every email after it,
    unless their row says otherwise."""
    text = "name,email,stage,language\nNueva,nueva@example.org,resident,\nNew,new@example.org,resident,en\n"
    invited, _, _ = await console.invite(vetted_program.id, Role.MENTOR, text, NOW, coordinator_of(chapter.id), uow,
                                         anyone, language="es")
    assert {i.person.email: i.person.preferred_language for i in invited} == {"nueva@example.org": "es",
                                                                              "new@example.org": "en"}


async def test_an_invitation_is_accepted_once_the_person_enrols_in_that_role(uow, vetted_program, chapter):
    text = "name,email,stage\nNew,new@example.org,resident\n"
    [invited], _, _ = await console.invite(vetted_program.id, Role.MENTOR, text, NOW, coordinator_of(chapter.id),
                                           uow, anyone)
    assert [s for _, s in await console.invitations_of(invited.person.id, uow, anyone)] == ["pending"]
    await handlers.enroll(commands.Enroll(invited.person.id, vetted_program.id, Role.MENTOR), uow, anyone)
    assert [s for _, s in await console.invitations_of(invited.person.id, uow, anyone)] == ["accepted"]
    rows = await console.preview_invitations(vetted_program.id, Role.MENTOR, text, uow, anyone)
    assert rows[0].already == "enrolled"


async def test_someone_already_registered_is_invited_under_the_name_they_chose_never_the_files(
        uow, register, vetted_program, chapter):
    """School rosters hold legal names: the file's name for someone registered would deadname them, in the email the
    web app sends, in the console's list, or anywhere it were stored or published."""
    known = await register(S.FELLOW, email="sam@example.org", display_name="Sam Chosen")
    text = "name,email,stage\nQuinn Again,SAM@example.org,fellow\nNew Person,new@example.org,resident\n"
    invited, _, _ = await console.invite(vetted_program.id, Role.MENTOR, text, NOW, coordinator_of(chapter.id), uow,
                                         anyone)
    shown = {i.person.id: i.name for i in invited}
    new = next(i.person for i in invited if i.person.id != known.id)
    assert shown == {known.id: "Sam Chosen", new.id: "New Person"}
    assert {i.person.display_name for i in invited} == {"Sam Chosen", "New Person"}
    assert (await uow.people.get(known.id)).display_name == "Sam Chosen"
    said = repr([e.model_dump() for e in uow.published]) + repr([vars(a) for a in uow.audited])
    assert "Quinn" not in said
