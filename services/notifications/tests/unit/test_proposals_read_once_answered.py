"""A proposal (or a mentee's request) and its reminder to answer ask their reader for an answer: once matching says the
reader gave it, those of that pairing are read in the reader's inbox, not left unread as if still waiting. The other
side's, and the reader's about other pairings, stay as they are."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications
from .samples import renderer

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0)
ASKING = ("pairing_proposed", "answer_due")


async def person(uow, name: str) -> UUID:
    contact = pr.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name=name,
                                         email=f"{uuid4().hex[:8]}@example.org", timezone="America/Chicago")
    await handlers.contact_details_changed(contact, uow)
    return contact.person_id


async def sent(uow) -> None:
    await dispatch_due(lambda: uow, renderer(), FakeMailer(), POLICY)


async def unread_asking(uow, person_id: UUID) -> set[tuple[str, UUID]]:
    """The items of the person's inbox that ask them to answer a pairing, still unread: (kind, pairing)."""
    items, _ = await views.inbox(uow, person_id, True, 50, POLICY, datetime.now(UTC), lambda n, subject, _: subject)
    return {(item["kind"], UUID(item["parameters"]["pairing_id"])) for item in items if item["kind"] in ASKING}


class Proposals:
    """Ana, a mentor, proposed two mentees, Sam and Kim, each reminded to answer with her: all of it sent."""

    def __init__(self) -> None:
        self.uow = FakeUnitOfWork(notifications=FakeNotifications())

    async def told(self, requested: bool = False) -> Proposals:
        self.sam, self.kim, self.ana = [await person(self.uow, name) for name in ("Sam Okafor", "Kim Park",
                                                                                 "Ana Reyes")]
        program, answer_by = uuid4(), datetime.now(UTC) + timedelta(days=10)
        self.with_sam, self.with_kim = (dict(pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee,
                                             mentor_id=self.ana) for mentee in (self.sam, self.kim))
        for pairing in (self.with_sam, self.with_kim):
            await handlers.pairing_proposed(ma.PairingProposedV6(
                **pairing, score=80, reason_codes=[], pairing_kind="general", requested_by_mentee=requested,
                answer_by=answer_by), self.uow)
            await handlers.answer_due(ma.AnswerDueV2(
                **pairing, answer_by=answer_by, awaiting=["mentor"] if requested else ["mentee", "mentor"],
                requested_by_mentee=requested, paused_if_it_lapses=[]), self.uow)
        await sent(self.uow)
        return self

    @staticmethod
    def asking(*pairings: dict) -> set[tuple[str, UUID]]:
        """What asks for an answer to these pairings: each one's proposal and its reminder."""
        return {(kind, pairing["pairing_id"]) for pairing in pairings for kind in ASKING}


async def test_a_mentor_who_declines_a_proposal_finds_it_read_and_leaves_the_mentees_and_her_other_one_unread():
    told = await Proposals().told()

    await handlers.pairing_declined(ma.PairingDeclinedV2(**told.with_sam, declined_by="mentor",
                                                         reason_code="schedule_conflict"), told.uow)
    await sent(told.uow)

    assert await unread_asking(told.uow, told.ana) == told.asking(told.with_kim)
    assert await unread_asking(told.uow, told.sam) == told.asking(told.with_sam), "Sam did not answer it"


async def test_a_proposal_confirmed_is_read_in_both_inboxes_with_its_reminder_to_answer():
    told = await Proposals().told()

    await handlers.pairing_confirmed(ma.PairingConfirmedV4(
        **told.with_sam, score=80, reason_codes=[], pairing_kind="general",
        term_ends_at=datetime.now(UTC) + timedelta(days=365)), told.uow)
    await sent(told.uow)

    assert await unread_asking(told.uow, told.sam) == set()
    assert await unread_asking(told.uow, told.ana) == told.asking(told.with_kim)
    assert await unread_asking(told.uow, told.kim) == told.asking(told.with_kim)


async def test_a_proposal_that_lapsed_is_read_for_the_side_that_had_accepted_it_alone():
    told = await Proposals().told()

    await handlers.pairing_lapsed(ma.PairingLapsedV3(**told.with_sam, reason_code="unanswered", awaiting=["mentee"],
                                                     requested_by_mentee=False), told.uow)
    await sent(told.uow)

    assert await unread_asking(told.uow, told.ana) == told.asking(told.with_kim), "Ana had accepted it"
    assert await unread_asking(told.uow, told.sam) == told.asking(told.with_sam)


async def test_a_mentee_who_takes_back_her_request_finds_it_read_and_leaves_the_mentors_unread():
    told = await Proposals().told(requested=True)

    await handlers.pairing_declined(ma.PairingDeclinedV2(**told.with_sam, declined_by="mentee",
                                                         reason_code="request_withdrawn"), told.uow)
    await sent(told.uow)

    assert await unread_asking(told.uow, told.sam) == set()
    assert await unread_asking(told.uow, told.ana) == told.asking(told.with_sam, told.with_kim), "Ana did not answer"


async def test_a_proposal_the_program_withdrew_or_that_lapsed_without_saying_who_had_answered_is_left_unread():
    told = await Proposals().told()

    await handlers.pairing_declined(ma.PairingDeclinedV3(**told.with_sam, declined_by=None, declined_by_program=True,
                                                         reason_code="reassigned"), told.uow)
    await handlers.pairing_lapsed(ma.PairingLapsedV2(**told.with_kim, reason_code="unanswered"), told.uow)
    await sent(told.uow)

    assert await unread_asking(told.uow, told.ana) == told.asking(told.with_sam, told.with_kim)
    assert await unread_asking(told.uow, told.sam) == told.asking(told.with_sam)
