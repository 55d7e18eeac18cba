"""Use cases of profiles: plain functions of a command and a unit of work.

Those that act on someone's data take `authorize`, called once the person concerned is known; it refuses
by raising, before anything changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts.matching import PairingEnded, PairingEvent, StoppedAnswering
from mentorship_contracts.vocabulary import Role, TrainingStage
from plumbing.auth import Principal
from plumbing.auth import Role as CallerRole
from plumbing.errors import NotFound

from ..adapters import integration_events
from ..domain import commands
from ..domain.console import AdministratorsCall, CannotEraseYourself, require_another_administrator
from ..domain.model import (
    APPROVAL_AWAITED,
    APPROVAL_REMINDED_AFTER,
    APPROVAL_REMINDED_EVERY,
    CONDUCT_REPORTED,
    GOALS_MET,
    TERM_COMPLETED,
    AlreadyRegistered,
    Chapter,
    ChapterNameTaken,
    ConsentChange,
    EmailChange,
    EmailChangeNotConfirmed,
    Enrollment,
    Identity,
    PartnerView,
    Person,
    Program,
    ProgramNameTaken,
    token_digest,
)
from .ports import ProfilesUnitOfWorkPort as Uow

Authorize = Callable[[Person], None]


async def define_chapter(command: commands.DefineChapter, caller: Principal, uow: Uow) -> Chapter:
    """Chapters and programs are the console's to define and change: each is audited, naming the caller."""
    async with uow:
        chapter = Chapter.define(command.name, command.timezone, command.contact_email)
        await _chapter_name_free(chapter, uow)
        await uow.chapters.save(chapter)
        uow.emit(integration_events.chapter_defined(chapter))
        uow.audit(caller, "chapter.defined", "chapter", chapter.id, chapter_id=chapter.id,
                  detail={"name": chapter.name, "timezone": chapter.timezone})
        await uow.commit()
        return chapter


async def change_chapter(command: commands.ChangeChapter, caller: Principal, uow: Uow) -> Chapter:
    async with uow:
        chapter = await _existing(uow.chapters, command.chapter_id, "chapter_id")
        if changed := chapter.update(**command.changes):
            if "name" in changed:
                await _chapter_name_free(chapter, uow)
            await uow.chapters.save(chapter)
            if changed & {"name", "timezone"}:  # what chapter_defined says (never the contact address)
                uow.emit(integration_events.chapter_defined(chapter))
        uow.audit(caller, "chapter.changed", "chapter", chapter.id, chapter_id=chapter.id,
                  detail={"changed": _values(chapter, changed)})
        await uow.commit()
        return chapter


async def list_chapters(uow: Uow) -> list[Chapter]:
    async with uow:
        return await uow.chapters.list()


async def define_program(command: commands.DefineProgram, caller: Principal, uow: Uow) -> Program:
    async with uow:
        if command.chapter_id is not None:
            await _existing(uow.chapters, command.chapter_id, "chapter_id")
        program = Program.define(**vars(command))
        await _program_name_free(program, uow)
        await uow.programs.save(program)
        uow.emit(integration_events.program_defined(program))
        uow.audit(caller, "program.defined", "program", program.id, chapter_id=program.chapter_id,
                  detail={"name": program.name})
        await uow.commit()
        return program


# The settings that keep minors safe, and the one that lets them in (`Program.update`).
SAFEGUARDS = {"mentor_approval_required", "both_must_accept", "mentee_stages"}


async def change_program(command: commands.ChangeProgram, caller: Principal, uow: Uow,
                         authorize: Callable[[Program], None]) -> Program:
    async with uow:
        # Locked: an enrollment or invitation committing meanwhile waits (its row refers to the program), so that
        # whether anyone has taken part holds until this change commits, and theirs then goes as the change says.
        program = await _existing_program(command.program_id, uow, lock=True)
        authorize(program)
        taken_part = "members_public" in command.changes and await uow.programs.taken_part_in(program.id)
        minors_enrolled = bool(SAFEGUARDS & command.changes.keys()) and (
            TrainingStage.HIGH_SCHOOL in await uow.enrollments.mentee_stages_in(program.id))
        if changed := program.update(taken_part=taken_part, minors_enrolled=minors_enrolled, **command.changes):
            if "name" in changed:
                await _program_name_free(program, uow)
            await uow.programs.save(program)
            uow.emit(integration_events.program_defined(program))
        uow.audit(caller, "program.changed", "program", program.id, chapter_id=program.chapter_id,
                  detail={"changed": _values(program, changed)})
        await uow.commit()
        return program


async def _chapter_name_free(chapter: Chapter, uow: Uow) -> None:
    """Refuses the chapter's name if another chapter has it, whatever the case and spacing (its own, recased, is its
    to keep). The database refuses it too, should another take it meanwhile (`Chapters.save`)."""
    holder = await uow.chapters.named(chapter.name)
    if holder is not None and holder.id != chapter.id:
        raise ChapterNameTaken(holder.name)


async def _program_name_free(program: Program, uow: Uow) -> None:
    """Refuses the program's name if another program of its chapter (of a national one: another national one) has
    it, whatever the case and spacing; as `_chapter_name_free`."""
    holder = await uow.programs.named(program.name, program.chapter_id)
    if holder is not None and holder.id != program.id:
        raise ProgramNameTaken(holder.name, program.chapter_id)


async def _existing_program(program_id: UUID, uow: Uow, lock: bool = False) -> Program:
    program = await uow.programs.get(program_id, lock=lock)
    if program is None:
        raise NotFound("no such program", field="program_id")
    return program


def _values(item: Chapter | Program, changed: set[str]) -> dict[str, Any]:
    """What the fields `changed` now hold, for the audit trail (a chapter's or program's settings: nobody's data)."""
    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value if value is None or isinstance(value, bool | int) else str(value)
    return {name: plain(getattr(item, name)) for name in sorted(changed)}


async def get_program_as_kept(program_id: UUID, uow: Uow) -> tuple[Program, bool]:
    """The program, and whether anyone ever enrolled in it or was invited (`note_taken_part`): what it keeps as it is
    from then."""
    async with uow:
        return await _existing(uow.programs, program_id, "program_id"), await uow.programs.taken_part_in(program_id)


async def list_programs(chapter_id: UUID | None, uow: Uow) -> list[Program]:
    async with uow:
        return await uow.programs.list(chapter_id)


async def register_person(command: commands.RegisterPerson, uow: Uow) -> Person:
    async with uow:
        timezone = command.timezone or "UTC"
        if command.chapter_id is not None:
            chapter = await _existing(uow.chapters, command.chapter_id, "chapter_id")
            timezone = command.timezone or chapter.timezone
        if await uow.people.email_taken(command.email):
            raise AlreadyRegistered("someone is already registered with this email", field="email")
        person = Person.register(**{**vars(command), "timezone": timezone})
        await uow.people.save(person)
        uow.emit(*integration_events.person_registered(person))
        await uow.commit()
        return person




async def update_person(command: commands.UpdatePerson, uow: Uow, authorize: Authorize) -> Person:
    async with uow:
        person = await _person(command.person_id, uow, authorize, lock=True)
        if (command.changed_by != person.id and not command.by_administrator
                and (await uow.staff_roles.get(person.id)).held):
            # A coordinator could otherwise rename a fellow coordinator or an administrator of their chapter.
            raise AdministratorsCall("a coordinator's or an administrator's profile is theirs, or an administrator's, "
                                     "to change", field="person_id")
        changes = command.changes
        if changes.get("chapter_id") is not None:
            await _existing(uow.chapters, changes["chapter_id"], "chapter_id")
        enrollments = await uow.enrollments.for_person(person.id)
        mentee_of = [await _existing(uow.programs, e.program_id, "program_id") for e in enrollments
                     if "stage" in changes and e.active and e.role is Role.MENTEE]
        changed = person.update(enrollments, command.changed_by, mentee_of, **changes)
        if changed:
            await uow.people.save(person)
            uow.emit(*integration_events.person_updated(person, changed))
        await uow.commit()
        return person


async def request_email_change(command: commands.RequestEmailChange, uow: Uow) -> EmailChange:
    """Record the change and have a link sent to the new address; nothing changes until it is confirmed from there.
    Only the person asks (`EmailChange.request`).

    Whether someone else has the address is not asked here: the request is recorded and announced the same way
    (and in the same time) either way, so the answer cannot tell. Confirming will fail if the address is taken."""
    async with uow:
        person = await _person(command.person_id, uow, lock=True)
        change, token = EmailChange.request(person, command.email, command.at, command.requested_by)
        await uow.email_changes.save(change)
        uow.emit(integration_events.email_change_requested(person, change, token))
        await uow.commit()
        return change


async def confirm_email_change(command: commands.ConfirmEmailChange, uow: Uow) -> Person:
    """Take the new address, once: the same refusal whatever stands in the way."""
    async with uow:
        change = await uow.email_changes.by_token(token_digest(command.token))
        person = await uow.people.get(change.person_id, lock=True) if change else None
        if change is None or person is None:
            raise EmailChangeNotConfirmed()
        person.confirm_email(change, command.token, command.confirmed_by, command.at)
        if await uow.people.email_taken(person.email, by_other_than=person.id):
            raise EmailChangeNotConfirmed()
        await uow.email_changes.remove(person.id)
        try:
            await uow.people.save(person)
        except AlreadyRegistered:  # taken since the question above, by a registration committing alongside
            raise EmailChangeNotConfirmed() from None
        uow.emit(*integration_events.person_updated(person, {"email"}))
        await uow.commit()
        return person


async def forget_expired_email_changes(now: datetime, uow: Uow) -> int:
    async with uow:
        forgotten = await uow.email_changes.remove_expired(now)
        await uow.commit()
        return forgotten


async def remind_staff_of_waiting_mentors(now: datetime, uow: Uow) -> int:
    """Staff asked when a mentor joined, who left them waiting three days, are asked again, once a week at most for
    each program while any waits (`_ask_staff`, about the one who has waited longest); how many programs."""
    async with uow:
        longest = await uow.enrollments.longest_awaiting_approval(now - APPROVAL_REMINDED_AFTER,
                                                                  now - APPROVAL_REMINDED_EVERY, now)
        for enrollment in longest:
            await _ask_staff(enrollment, APPROVAL_AWAITED, uow)
        await uow.commit()
        return len(longest)


async def erase_person(command: commands.ErasePerson, caller: Principal, uow: Uow, authorize: Authorize) -> None:
    """Remove everything profiles holds about the person; the event tells every other service to do the same. An
    administrator erasing someone is audited (their id alone: nothing else of them is left to name).

    Staff do not erase themselves from the console (`CannotEraseYourself`: a person erases their own account as
    themself, "My data"), and nobody erases the only national administrator able to act (`LastAdministrator`), not
    even themself: the platform would be left with no one to grant roles or reinstate anyone."""
    async with uow:
        administrators = await administrators_able_to_act(command.person_id, uow)
        person = await _person(command.person_id, uow, authorize, lock=True)
        if caller.role in (CallerRole.COORDINATOR, CallerRole.ADMIN) and caller.is_person(person.id):
            raise CannotEraseYourself("staff do not erase their own account from the console: erase it from "
                                      "\"My data\"", field="person_id")
        require_another_administrator(person.id, administrators, "the last national administrator is not erased "
                                                                 "until another is granted the role")
        if not caller.is_person(person.id):
            uow.audit(caller, "person.erased", "person", person.id, chapter_id=person.chapter_id)
        await _forget(person.id, uow)
        await uow.commit()


async def erase_again(person_ids: list[UUID], caller: Principal, uow: Uow) -> int:
    """Erasures applied again, after a database was restored from a backup taken before them: those a restore of
    profiles brought back are removed again (their data keys with them, which open their sealed events still on the
    restricted topics), and every service is told again to forget each (a restored service holds them again too).
    How many profiles held again. Audited as one action, naming nobody: a person's own erasure leaves no trail."""
    async with uow:
        held = 0
        for person_id in dict.fromkeys(person_ids):
            held += await _forget(person_id, uow)
        uow.audit(caller, "people.erased_again", "person", None, detail={"erasures": len(set(person_ids)),
                                                                       "held_again": held})
        await uow.commit()
        return held


async def _forget(person_id: UUID, uow: Uow) -> bool:
    """Whether profiles held the person; every service is told to forget them either way."""
    await uow.email_changes.remove(person_id)
    await uow.partnerships.forget(person_id)
    held = await uow.people.remove(person_id)
    uow.emit(integration_events.person_erased(person_id))
    return held


async def get_identity(person_id: UUID, uow: Uow) -> Identity:
    async with uow:
        return (await _person(person_id, uow)).identity


async def declare_identity(command: commands.DeclareIdentity, uow: Uow) -> Identity:
    async with uow:
        person = await _person(command.person_id, uow, lock=True)
        changes = person.declare_identity(Identity.declare(command.attributes, command.requests))
        await _identity_changed(person, changes, uow)
        return person.identity


async def withdraw_consent(command: commands.WithdrawConsent, uow: Uow) -> Identity:
    async with uow:
        person = await _person(command.person_id, uow, lock=True)
        changes = person.withdraw_consent(command.attribute, command.purpose)
        await _identity_changed(person, changes, uow)
        return person.identity


async def _identity_changed(person: Person, consent_changes: list[ConsentChange], uow: Uow) -> None:
    await uow.people.save(person)
    uow.emit(*integration_events.identity_declared(person, consent_changes))
    await uow.commit()


async def partner_view(person_id: UUID, viewer_id: UUID | None, uow: Uow) -> PartnerView:
    """The person as `viewer_id` sees them if the two are partners in an active pairing, or as a partner would if
    it is the person themselves (to check what they show before anyone is matched). Anyone else (no viewer, not a
    partner, a pairing over) gets the answer an unknown person gets: whether they exist is not theirs."""
    async with uow:
        person = None
        if viewer_id is not None and (viewer_id == person_id
                                      or await uow.partnerships.between(person_id, viewer_id)):
            person = await uow.people.get(person_id)
        if person is None:
            raise no_such_person()
        return person.as_seen_by_partner()


async def pairing_proposed(event: PairingEvent, uow: Uow) -> None:
    """Matching proposed a pairing (or a mentee asked a mentor): it waits for answers, its mentor may read what the
    mentee hopes for (`mentee_hopes`), and neither sees the other as a partner yet."""
    async with uow:
        if await _both_known(event, uow):
            await uow.partnerships.propose(event.pairing_id, event.mentee_id, event.mentor_id, event.program_id)
        await uow.commit()


async def pairing_active(event: PairingEvent, uow: Uow) -> None:
    """Matching confirmed a pairing (or a renewal or reminder shows it is still on): its two sides are partners."""
    async with uow:
        if await _both_known(event, uow):
            await uow.partnerships.begin(event.pairing_id, event.mentee_id, event.mentor_id, event.program_id)
        await uow.commit()


async def mentee_hopes(pairing_id: UUID, viewer_id: UUID | None, uow: Uow) -> str | None:
    """What the mentee of a pairing wrote they hope for, enrolling in its program (None: nothing), for its mentor to
    read while it waits for answers or is on. Anyone else is answered as for no such pairing."""
    async with uow:
        found = await uow.partnerships.mentee_of(pairing_id, viewer_id) if viewer_id else None
        if found is None:
            raise NotFound("no such pairing", field="pairing_id")
        mentee_id, program_id = found
        return next((e.goals for e in await uow.enrollments.for_person(mentee_id)
                     if e.program_id == program_id and e.role == Role.MENTEE and e.active), None)


async def pairing_over(event: PairingEvent, uow: Uow) -> None:
    """Ended, completed, declined or lapsed: they are partners no more, whatever arrives about it later."""
    async with uow:
        if await _both_known(event, uow):
            await uow.partnerships.end(event.pairing_id, event.mentee_id, event.mentor_id)
        await uow.commit()


# Who acts when profiles holds someone for review on matching's word: the audit trail names matching.
MATCHING = Principal(subject="matching", role=CallerRole.SERVICE)


async def pairing_ended(event: PairingEnded, uow: Uow) -> None:
    """Ended early: partners no more (`pairing_over`). Ended by its mentee or its mentor for a problem of conduct,
    it reports the other, whose enrollments of that role in the program are held for a coordinator's review
    (`Enrollment.hold_for_review`): announced, so that matching's copy agrees (it held them already, as it ended the
    pairing), and audited, each report (a second names the same person again: staff are to know), in the name of
    matching, whose event said it. Ended, by anyone, because its goals were met, its mentee rests (`_rest`)."""
    async with uow:
        if await _both_known(event, uow):
            await uow.partnerships.end(event.pairing_id, event.mentee_id, event.mentor_id)
        if event.reason_code == "conduct" and event.ended_by is not None:  # not the program's: staff looked already
            await _hold_for_review(event, event.ended_by, uow)
        elif event.reason_code == GOALS_MET:
            await _rest(event, GOALS_MET, uow)
        await uow.commit()


async def pairing_completed(event: PairingEvent, uow: Uow) -> None:
    """Completed at the end of its term: partners no more (`pairing_over`), and its mentee rests (`_rest`)."""
    async with uow:
        if await _both_known(event, uow):
            await uow.partnerships.end(event.pairing_id, event.mentee_id, event.mentor_id)
        await _rest(event, TERM_COMPLETED, uow)
        await uow.commit()


async def _rest(event: PairingEvent, reason: str, uow: Uow) -> None:
    """A mentorship that ran its course leaves its mentee's enrollments in the program paused, saying why
    (`Enrollment.rest`), until they ask for another mentor themselves: announced, so that matching's copy agrees (it
    rested them already, as the pairing closed). Their own data, theirs to resume, so not audited (as a pause for
    proposals left unanswered)."""
    for enrollment, program in await _locked_enrollments_in_program(event.mentee_id, event.program_id, Role.MENTEE,
                                                                     uow):
        if changed := enrollment.rest(program, reason):
            await uow.enrollments.save(enrollment)
            uow.emit(integration_events.enrollment_changed(enrollment, await _person(event.mentee_id, uow), changed))


async def _locked_enrollments_in_program(person_id: UUID, program_id: UUID, role: Role,
                                         uow: Uow) -> list[tuple[Enrollment, Program]]:
    """The person's active enrollments of that role in the program, each locked, with the program: each kind of
    mentorship they take part in there, as a pairing's event names none."""
    locked = []
    for found in await uow.enrollments.for_person(person_id):
        if found.program_id != program_id or found.role != role or not found.active:
            continue
        enrollment = await uow.enrollments.get(found.id, lock=True)
        if enrollment is not None:
            locked.append((enrollment, await _existing(uow.programs, enrollment.program_id, "program_id")))
    return locked


async def _hold_for_review(event: PairingEnded, reported_by: Role, uow: Uow) -> None:
    """Each report also asks the program's staff to look into it, each time (`_ask_staff`)."""
    reported_id, role = ((event.mentor_id, Role.MENTOR) if reported_by == Role.MENTEE
                         else (event.mentee_id, Role.MENTEE))
    held = await _locked_enrollments_in_program(reported_id, event.program_id, role, uow)
    for enrollment, program in held:
        under_review = enrollment.review_reason is not None
        if changed := enrollment.hold_for_review(program, CONDUCT_REPORTED, event.occurred_at):
            await uow.enrollments.save(enrollment)
            uow.emit(integration_events.enrollment_changed(enrollment, await _person(reported_id, uow), changed))
        uow.audit(MATCHING, "enrollment.held_for_review", "enrollment", enrollment.id,
                  chapter_id=enrollment.chapter_id,
                  detail={"person_id": str(reported_id), "program_id": str(enrollment.program_id),
                          "pairing_id": str(event.pairing_id), "review_reason": CONDUCT_REPORTED,
                          "reported_by": reported_by.value, "already_under_review": under_review})
    held_now = [enrollment for enrollment, _ in held if enrollment.review_reason == CONDUCT_REPORTED]
    if held_now:
        await _ask_staff(held_now[0], CONDUCT_REPORTED, uow)


async def _ask_staff(about: Enrollment, reason: str, uow: Uow) -> None:
    """Ask the staff who run the enrollment's program to look into it (`ReviewAsked`, saying why): the event names
    nobody else, the console shows whom."""
    uow.emit(*[integration_events.review_asked(reviewer, about, reason)
               for reviewer in await uow.staff_roles.reviewers(about.chapter_id, other_than=about.person_id)])


async def _both_known(event: PairingEvent, uow: Uow) -> bool:
    """Whether both sides are still here: of someone erased, not even a pairing's ids are kept."""
    return all([await uow.people.get(event.mentee_id), await uow.people.get(event.mentor_id)])


async def pause_who_stopped_answering(event: StoppedAnswering, uow: Uow) -> None:
    """Matching pairs nobody new with a mentor or a mentee who let proposals or requests lapse unanswered in a row:
    their enrollment is paused as their own pause would, saying why, so they see it paused and can resume. One gone,
    withdrawn or already paused is left as it is, which also makes a redelivery change nothing."""
    async with uow:
        enrollment = await uow.enrollments.get(event.enrollment_id, lock=True)
        if enrollment is not None and enrollment.active and enrollment.role == event.role:
            program = await _existing(uow.programs, enrollment.program_id, "program_id")
            if changed := enrollment.pause_unanswered(program):
                await uow.enrollments.save(enrollment)
                person = await _person(enrollment.person_id, uow)
                uow.emit(integration_events.enrollment_changed(enrollment, person, changed))
        await uow.commit()


async def enroll(command: commands.Enroll, uow: Uow, authorize: Callable[[Person, Program], None]) -> Enrollment:
    """Enroll a person in a program; `authorize` may refuse, by raising, once both are known. The same request
    again answers the enrollment it made, so a client may retry one whose answer it did not get."""
    async with uow:
        person = await _person(command.person_id, uow, lock=True)
        program = await _existing(uow.programs, command.program_id, "program_id")
        authorize(person, program)
        terms = {name: value for name, value in vars(command).items()
                 if name not in ("person_id", "program_id", "role")}
        existing = await uow.enrollments.for_person(person.id)
        enrollment = person.enroll(program, existing, command.role, **terms)
        if enrollment not in existing:
            await uow.enrollments.save(enrollment)
            await uow.programs.note_taken_part(program.id)
            uow.emit(integration_events.enrollment_created(enrollment, person))
            if enrollment.approval == "pending":  # a mentor the program vets: waiting on its staff
                await _ask_staff(enrollment, APPROVAL_AWAITED, uow)
            await uow.commit()
        return enrollment


async def enrollments_of(person_id: UUID, uow: Uow, authorize: Authorize) -> list[Enrollment]:
    async with uow:
        person = await _person(person_id, uow, authorize)
        return await uow.enrollments.for_person(person.id)


async def get_enrollment(enrollment_id: UUID, uow: Uow, authorize: Authorize) -> Enrollment:
    async with uow:
        enrollment, _ = await _enrollment(enrollment_id, uow, authorize)
        return enrollment


async def change_enrollment(command: commands.ChangeEnrollment, uow: Uow, authorize: Authorize) -> Enrollment:
    """Change an enrollment's terms, announcing what other services hold of it: the end of its person's pause alone
    (`paused_until`) is profiles' own, to resume them then (`resume_pauses_ended`), so moving it announces nothing."""
    async with uow:
        enrollment, person = await _enrollment(command.enrollment_id, uow, authorize, lock=True)
        program = await _existing(uow.programs, enrollment.program_id, "program_id")
        if changed := enrollment.update(program, now=command.at, **command.changes):
            await uow.enrollments.save(enrollment)
            if integration_events.announced(changed):
                uow.emit(integration_events.enrollment_changed(enrollment, person, changed))
        await uow.commit()
        return enrollment


# How many enrollments one pass of `resume_pauses_ended` resumes at most, in one transaction; the job runs again at
# once while a pass resumed as many.
RESUMED_AT_ONCE = 100


async def resume_pauses_ended(now: datetime, uow: Uow, batch: int = RESUMED_AT_ONCE) -> int:
    """Resume, as their person resuming would (`Enrollment.update(program, paused=False)`, announced by the same
    `enrollment_changed`), the active enrollments whose own pause has an end come by `now` (`paused_until`), the
    longest ended first, `batch` at most; how many. Each claimed locked, skipping those another caller holds: of two
    instances at once, each resumes others, and one resumed is no longer claimed. Not audited, as resuming oneself is
    not: their own data, by their own word."""
    async with uow:
        resumed = 0
        programs: dict[UUID, Program] = {}
        for enrollment in await uow.enrollments.own_pauses_ended(now, batch):
            if not enrollment.own_pause_ended(now):  # what was claimed is what the domain says has ended
                continue
            if enrollment.program_id not in programs:
                programs[enrollment.program_id] = await _existing(uow.programs, enrollment.program_id, "program_id")
            changed = enrollment.update(programs[enrollment.program_id], paused=False)
            await uow.enrollments.save(enrollment)
            uow.emit(integration_events.enrollment_changed(enrollment, await _person(enrollment.person_id, uow),
                                                           changed))
            resumed += 1
        await uow.commit()
        return resumed


async def withdraw_enrollment(command: commands.WithdrawEnrollment, uow: Uow, authorize: Authorize) -> Enrollment:
    return await _transition(command.enrollment_id, Enrollment.withdraw, integration_events.enrollment_withdrawn,
                             uow, authorize)


async def _transition(enrollment_id: UUID, act: Callable[[Enrollment], None],
                      announce: Callable[[Enrollment], IntegrationEvent], uow: Uow, authorize: Authorize) -> Enrollment:
    async with uow:
        enrollment, _ = await _enrollment(enrollment_id, uow, authorize, lock=True)
        act(enrollment)
        await uow.enrollments.save(enrollment)
        uow.emit(announce(enrollment))
        await uow.commit()
        return enrollment


T = TypeVar("T")
Found = TypeVar("Found", covariant=True)


class _Repository(Protocol[Found]):
    async def get(self, item_id: UUID, /) -> Found | None: ...


async def _existing(repository: _Repository[T], item_id: UUID, field: str) -> T:
    item = await repository.get(item_id)
    if item is None:
        raise NotFound(f"no such {field.removesuffix('_id')}", field=field)
    return item


async def _person(person_id: UUID, uow: Uow, authorize: Authorize | None = None, lock: bool = False) -> Person:
    """The person (locked, to change them), once `authorize`, if given, accepted the caller."""
    person = await uow.people.get(person_id, lock=lock)
    if person is None:
        raise no_such_person()
    if authorize is not None:
        authorize(person)
    return person


async def administrators_able_to_act(person_id: UUID, uow: Uow) -> set[UUID]:
    """Within an open unit of work, before the person's row is locked: when the person is a national administrator,
    those able to act (not suspended), read under the administrators' lock, for `require_another_administrator`.
    Two suspending or erasing the last two at once queue there, the second seeing what the first did; taken before
    the person's row (as revoking a role takes it first), two suspending each other do not deadlock on each other's.
    Of someone who is not one, none (and no lock): suspending or erasing them leaves as many able to act."""
    if (await uow.staff_roles.get(person_id)).administrator:
        return await uow.staff_roles.active_administrators()
    return set()


def no_such_person() -> NotFound:
    return NotFound("no such person", field="person_id")


def no_such_enrollment() -> NotFound:
    return NotFound("no such enrollment", field="enrollment_id")


async def _enrollment(enrollment_id: UUID, uow: Uow, authorize: Authorize, lock: bool = False
                      ) -> tuple[Enrollment, Person]:
    """The enrollment (locked, to change it) and its person, once `authorize` accepted the caller."""
    enrollment = await uow.enrollments.get(enrollment_id, lock=lock)
    if enrollment is None:
        raise no_such_enrollment()
    return enrollment, await _person(enrollment.person_id, uow, authorize)
