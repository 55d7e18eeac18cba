"""What matching keeps of profiles' events (programs, matching profiles, enrollments, consent, erasure), and what
each change sets off: room offered to the waiting, pairings closed when someone leaves.

Each runs in the consumer's inbox transaction. A person's lock is taken first by every handler that writes about
the person, then program locks before anything about a program is written, programs in sorted order, so two
events about the same people never deadlock. A batch of events shares one transaction: `lock_before_applying`
takes, before its first event, every lock its events will take, people then programs, each in sorted order, so
two batches (or a batch and a request, which locks one program) never each hold what the other waits for.

A mentee is paired only once matching knows both their enrollment and their matching profile (pairing on half
the facts could ignore a requirement), and the two arrive on different topics, in either order, perhaps applied
at the same moment by two instances. Both handlers take the person's lock, so the second to commit waits for the
first and then sees its row: the enrollment sees the profile and pairs the mentee, or the profile sees the
enrollment and offers room in its program. Neither can miss the other.

What this cannot see: a profile changed just before an enrollment but applied after it (a sign-up that registers,
which sends a first profile, then declares a requirement and enrols at once): the enrollment finds the first
profile and pairs on it. Nothing matching receives says which profile an enrollment was made with; closing that
needs profiles to say it (the profile's revision on the enrollment, or the profile sent again with it), for
matching to wait until it has that profile.
"""

from __future__ import annotations

from uuid import UUID

from mentorship_contracts import IntegrationEvent
from mentorship_contracts import profiles as source
from mentorship_contracts.matching import pairing_kind_of

from ..domain.model import IdentityWish, ProgramRules
from .lifecycle import close_all
from .pairing import offer_room
from .ports import MatchingUnitOfWorkPort, NewUnitOfWork

# The name of what changed that tells profiles read a report of conduct (`lifecycle._hold_the_reported`).
REVIEW = "review_reason"
# And the one that tells it read the ending of a mentorship that ran its course (`lifecycle.rest_the_mentee`).
REST = "paused_because"
# Handlers that lock their event's person, then every program the person is enrolled in (`_lock_person`); and those
# that lock their person, then their event's program.
_PERSON_AND_THEIR_PROGRAMS = (source.MatchingProfileChanged, source.MatchingProfileRestated, source.ConsentChanged,
                              source.PersonErased, source.PersonSuspended, source.PersonReinstated,
                              source.PersonRestated)
_PERSON_AND_PROGRAM = (source.EnrollmentCreated, source.EnrollmentChanged, source.EnrollmentRestated)
# Handlers that lock their event's program alone.
_PROGRAM = (source.ProgramDefined, source.MentorApproved, source.MentorSuspended, source.EnrollmentWithdrawn)
# Every event `lock_before_applying` knows the locks of: an event applied here that is none of these would take its
# locks in a batch unprepared (`tests/unit/test_handlers.py` checks the consumer's).
PREPARED_FOR = _PERSON_AND_THEIR_PROGRAMS + _PERSON_AND_PROGRAM + _PROGRAM


async def lock_before_applying(events: list[IntegrationEvent], uow: MatchingUnitOfWorkPort) -> None:
    """Before a batch's first event, the locks its handlers will take: every person's, sorted, then every program's,
    sorted (a person's programs read under the person's lock, as `_lock_person` reads them). The handlers then take
    theirs again at no cost (a program's not at all; a person's advisory lock is re-entrant)."""
    people = sorted({e.person_id for e in events if isinstance(e, _PERSON_AND_THEIR_PROGRAMS + _PERSON_AND_PROGRAM)})
    programs = {e.program_id for e in events if isinstance(e, _PERSON_AND_PROGRAM + _PROGRAM)}
    async with uow:
        if people:
            await uow.people.lock_all(people)
            programs.update(await uow.people.programs_of_all(
                [e.person_id for e in events if isinstance(e, _PERSON_AND_THEIR_PROGRAMS)]))
        await uow.programs.lock_all(sorted(programs))
        await uow.commit()


async def program_defined(event: source.ProgramDefined, uow: MatchingUnitOfWorkPort) -> None:
    async with uow:
        await uow.programs.save(
            ProgramRules(
                id=event.program_id, chapter_id=event.chapter_id, pairing_mode=event.pairing_mode,
                both_must_accept=event.both_must_accept, pair_cap=event.pair_cap, minimum_score=event.minimum_score,
                term_months=event.term_months, mentee_stages=event.mentee_stages, mentor_stages=event.mentor_stages,
                cadence_max_days=event.cadence_max_days, format=event.format, group_size=event.group_size,
                # Version 4 on; before, the service's default.
                answer_within_days=getattr(event, "answer_within_days", None),
                # Version 5 on; before, private (nobody said the program's members may be seen).
                members_public=getattr(event, "members_public", False),
            )
        )
        offer_room(event.program_id, uow)
        await uow.commit()


async def _lock_person(person_id: UUID, uow: MatchingUnitOfWorkPort) -> list[UUID]:
    """Lock the person, then every program they are enrolled in (sorted: every handler takes program locks in the
    same order), before writing anything about them; their programs, as read under the person's lock."""
    await uow.people.lock(person_id)
    enrolled_in = await uow.people.programs_of(person_id)
    for program_id in enrolled_in:
        await uow.programs.lock(program_id)
    return enrolled_in


async def matching_profile_changed(event: source.MatchingProfileChanged | source.MatchingProfileRestated,
                                   uow: MatchingUnitOfWorkPort) -> None:
    """The person's profile replaced, identity values kept only as their keyed hashes (matching compares them and
    never reads them); room offered in their programs. A restated profile says which attributes a partner may see
    too (a consent's change matching never read)."""
    async with uow:
        enrolled_in = await _lock_person(event.person_id, uow)
        await uow.people.save_profile(
            event.person_id, stage=event.stage, specialties=list(event.specialties),
            support_areas=list(event.support_areas), languages=list(event.languages), timezone=event.timezone,
            region=event.region, modalities=list(event.modalities),
            identity=uow.identity_hasher.digests(event.identity_for_matching),
            identity_wishes=[IdentityWish(r.attribute, r.strength == "requirement") for r in event.identity_requests],
            shown_to_partner=(list(event.shown_to_partner) if isinstance(event, source.MatchingProfileRestated)
                              else None),
        )
        for program_id in enrolled_in:
            offer_room(program_id, uow)
        await uow.commit()


async def hash_identities_stored_in_plaintext(new_uow: NewUnitOfWork, batch: int = 100) -> int:
    """Profiles stored before identity values were kept as keyed hashes, set aside by migration 0005, back with
    their values hashed, one person at a time as if their profile had just arrived; how many."""
    async with new_uow() as uow:
        waiting = await uow.people.stored_in_plaintext(batch)
    done = 0
    for person_id in waiting:
        async with new_uow() as uow:
            enrolled_in = await _lock_person(person_id, uow)
            if not await uow.people.rehash(person_id, uow.identity_hasher.digests):
                continue  # a newer profile, or the person's erasure, came first
            for program_id in enrolled_in:
                offer_room(program_id, uow)
            await uow.commit()
            done += 1
    return done


async def consent_changed(event: source.ConsentChanged, uow: MatchingUnitOfWorkPort) -> None:
    """A withdrawal of consent for matching forgets the attribute at once; a grant waits for the value to come
    with the next matching profile (it never travels on this event). Consent to show the attribute to a partner
    decides whether it may meet a mentee's requirement. Either change may let a waiting mentee be paired."""
    if event.purpose == "matching" and event.granted:
        return
    async with uow:
        enrolled_in = await _lock_person(event.person_id, uow)
        if event.purpose == "matching":
            await uow.people.forget_identity(event.person_id, event.attribute)
        else:
            await uow.people.show_to_partner(event.person_id, event.attribute, event.granted)
        for program_id in enrolled_in:
            offer_room(program_id, uow)
        await uow.commit()


async def enrollment_created(event: source.EnrollmentCreated, uow: MatchingUnitOfWorkPort) -> None:
    await _save_enrollment(event, uow)


async def enrollment_changed(event: source.EnrollmentChanged, uow: MatchingUnitOfWorkPort) -> None:
    await _save_enrollment(event, uow)


async def enrollment_restated(event: source.EnrollmentRestated, uow: MatchingUnitOfWorkPort) -> None:
    """The enrollment as profiles holds it now (`contracts/README.md`, Restated): saved as a change is, so one
    matching never read is placed as a new one would be; withdrawn, withdrawn here too, its pairings closed (a
    withdrawal matching never read). A withdrawn enrollment matching never knew stays unknown."""
    if event.active:
        await _save_enrollment(event, uow)
    else:
        await enrollment_withdrawn(event, uow)


async def _save_enrollment(event: source.EnrollmentCreated | source.EnrollmentChanged | source.EnrollmentRestated,
                           uow: MatchingUnitOfWorkPort) -> None:
    async with uow:
        # The person's lock first (see the module's docstring: the profile's handler takes it too), then the
        # program's. Once this transaction holds the program's (in a consumer's batch, `lock_before_applying` took
        # both), the person's is taken again with the write, in one round trip instead of two.
        together = uow.programs.holds(event.program_id)
        if not together:
            await uow.people.lock(event.person_id)
            await uow.programs.lock(event.program_id)
        await uow.people.save_enrollment(
            enrollment_id=event.enrollment_id, person_id=event.person_id, program_id=event.program_id,
            chapter_id=event.chapter_id, role=event.role, stage=event.stage, capacity=event.capacity,
            mentee_stages_welcome=list(event.mentee_stages_welcome), approved=event.approval == "approved",
            # A restatement's own time is not when they enrolled: one matching never knew waits from then.
            enrolled_at=event.enrolled_at if isinstance(event, source.EnrollmentRestatedV2) else event.occurred_at,
            pairing_kind=event.pairing_kind if isinstance(event, source.EnrollmentRestated) else pairing_kind_of(event),
            paused=event.paused if isinstance(event, source.EnrollmentChangedV4 | source.EnrollmentRestated) else None,
            # Profiles has read a report of conduct (holding them, or clearing it): its word holds from now on.
            review_said=isinstance(event, source.EnrollmentChanged) and REVIEW in event.changed_fields,
            # Profiles has paused a mentee whose mentorship ran its course: their resuming there is theirs from now on.
            rest_said=isinstance(event, source.EnrollmentChanged) and REST in event.changed_fields,
            lock_person=together,
        )
        if event.approval == "suspended":
            await close_all(await uow.pairings.open_of_enrollment(event.enrollment_id), event.person_id,
                            "mentor_suspended", uow)
        # A new mentee brings no room: only they need placing. Anything else may have made room for everyone.
        only = [event.enrollment_id] if event.role == "mentee" and isinstance(event, source.EnrollmentCreated) else None
        offer_room(event.program_id, uow, only_mentees=only)
        await uow.commit()


async def mentor_approved(event: source.MentorApproved, uow: MatchingUnitOfWorkPort) -> None:
    async with uow:
        await uow.programs.lock(event.program_id)
        await uow.people.set_approval(event.enrollment_id, True)
        offer_room(event.program_id, uow)
        await uow.commit()


async def mentor_suspended(event: source.MentorSuspended, uow: MatchingUnitOfWorkPort) -> None:
    async with uow:
        await uow.programs.lock(event.program_id)
        await uow.people.set_approval(event.enrollment_id, False)
        await close_all(await uow.pairings.open_of_enrollment(event.enrollment_id), event.person_id,
                        "mentor_suspended", uow)
        offer_room(event.program_id, uow)
        await uow.commit()


async def enrollment_withdrawn(event: source.EnrollmentWithdrawn | source.EnrollmentRestated,
                               uow: MatchingUnitOfWorkPort) -> None:
    async with uow:
        await uow.programs.lock(event.program_id)
        await uow.people.withdraw(event.enrollment_id)
        await close_all(await uow.pairings.open_of_enrollment(event.enrollment_id), event.person_id,
                        "withdrawn", uow)
        offer_room(event.program_id, uow)
        await uow.commit()


async def person_erased(event: source.PersonErased, uow: MatchingUnitOfWorkPort) -> None:
    """Partners are told the pairing ended and go back to matching; then every trace of the person goes."""
    async with uow:
        enrolled_in = await _lock_person(event.person_id, uow)
        await close_all(await uow.pairings.open_of_person(event.person_id), event.person_id, "person_erased", uow)
        await uow.people.forget_person(event.person_id)
        for program_id in enrolled_in:
            offer_room(program_id, uow)
        await uow.commit()


async def person_suspended(event: source.PersonSuspended, uow: MatchingUnitOfWorkPort) -> None:
    """A suspended person is proposed to nobody and leaves the waitlists until reinstated (their mentorships go
    on: ending them is a coordinator's decision, one by one)."""
    async with uow:
        await _lock_person(event.person_id, uow)
        await uow.people.suspend(event.person_id, True)
        await uow.commit()


async def person_reinstated(event: source.PersonReinstated, uow: MatchingUnitOfWorkPort) -> None:
    """Reinstated, the person takes part in pairing again: room is offered in their programs."""
    async with uow:
        enrolled_in = await _lock_person(event.person_id, uow)
        await uow.people.suspend(event.person_id, False)
        for program_id in enrolled_in:
            offer_room(program_id, uow)
        await uow.commit()


async def person_restated(event: source.PersonRestated, uow: MatchingUnitOfWorkPort) -> None:
    """Of a person as profiles holds them now, matching keeps whether they are suspended (their stage and chapter
    come with their matching profile and enrollments): a suspension or reinstatement it never read is applied as
    if read now; one it holds already changes nothing."""
    async with uow:
        enrolled_in = await _lock_person(event.person_id, uow)
        # Committed either way: a unit that leaves a consumer's batch uncommitted has it applied again.
        if await uow.people.is_suspended(event.person_id) != event.suspended:
            await uow.people.suspend(event.person_id, event.suspended)
            if not event.suspended:
                for program_id in enrolled_in:
                    offer_room(program_id, uow)
        await uow.commit()
