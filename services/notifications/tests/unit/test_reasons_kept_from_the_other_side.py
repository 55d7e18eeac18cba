"""Why one side declined or ended a pairing is theirs: the other side's notification keeps no reason code (their inbox
shows a notification's parameters to them through the API), only what its words need, as flags. Rows stored before
this are shown without it."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.email import Renderer
from notifications.adapters.links import Links
from notifications.adapters.messages import inbox_composer
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.domain.model import Notification
from notifications.service_layer import handlers, views
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0, welcome_grace_seconds=0)
LINKS = Links("https://app.mentorship.example")
COMPOSER = inbox_composer(LINKS)
RENDER = Renderer(LINKS, UnsubscribeTokens("s" * 32), "Mentorship <no-reply@mentorship.example>")
# The reasons matching publishes for a decline or an end that are one side's own (or the program's) and not said.
REASONS = ("not_a_good_fit", "schedule_conflict", "no_capacity", "conduct", "not_responding", "other", "reassigned")


async def a_pair():
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    mentee, mentor, program = uuid4(), uuid4(), uuid4()
    for person, name in ((mentee, "Sam Okafor"), (mentor, "Ana Reyes")):
        await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
            person_id=person, chapter_id=None, display_name=name, email=f"{person}@example.org",
            timezone="America/Chicago", preferred_language="en"), uow)
    await handlers.program_defined(pr.ProgramDefinedV5(
        members_public=True, program_id=program, chapter_id=None, name="Into Medical School",
        mentee_stages=["undergraduate"], mentor_stages=["resident"]), uow)
    return uow, dict(program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor)


def stored(uow, person_id, kind: str) -> list[dict]:
    return [row["n"].parameters for row in uow.notifications.rows.values()
            if row["n"].person_id == person_id and row["n"].kind == kind]


def no_reason_in(parameters: dict) -> bool:
    return "reason_code" not in parameters and not set(map(str, parameters.values())) & set(REASONS)


async def shown(uow, person_id) -> list[dict]:
    await dispatch_due(lambda: uow, RENDER, FakeMailer(), POLICY)
    items, _ = await views.inbox(uow, person_id, False, 50, POLICY, datetime.now(UTC),
                                 lambda n, subject, context: COMPOSER(n, subject, context).subject)
    return items


async def test_a_mentee_whose_proposal_the_mentor_declined_keeps_no_reason_of_the_mentors_nor_sees_one():
    uow, pair = await a_pair()
    await handlers.pairing_declined(ma.PairingDeclinedV3(**pair, pairing_id=uuid4(), declined_by="mentor",
                                                         reason_code="not_a_good_fit"), uow)

    [to_mentee] = stored(uow, pair["mentee_id"], "pairing_declined")
    assert no_reason_in(to_mentee)
    [item] = await shown(uow, pair["mentee_id"])
    assert no_reason_in(item["parameters"])
    # Nor does the mentor's keep the code: what the words need alone.
    [to_mentor] = stored(uow, pair["mentor_id"], "pairing_declined")
    assert "reason_code" not in to_mentor


async def test_a_mentee_whose_request_the_mentor_declined_keeps_no_reason_of_the_mentors():
    uow, pair = await a_pair()
    pairing = uuid4()
    await handlers.pairing_proposed(ma.PairingProposedV6(**pair, pairing_id=pairing, score=80, reason_codes=[],
                                                         pairing_kind="general", requested_by_mentee=True,
                                                         answer_by=datetime.now(UTC) + timedelta(days=7)), uow)
    await handlers.pairing_declined(ma.PairingDeclinedV3(**pair, pairing_id=pairing, declined_by="mentor",
                                                         reason_code="schedule_conflict"), uow)

    [to_mentee] = stored(uow, pair["mentee_id"], "pairing_declined")
    assert no_reason_in(to_mentee) and to_mentee["requested"] is True
    said = await views.inbox_message(uow, pair["mentee_id"], next(
        i["id"] for i in await shown(uow, pair["mentee_id"]) if i["kind"] == "pairing_declined"), POLICY,
        datetime.now(UTC), COMPOSER)
    assert said.subject == "Your request in Into Medical School will not go ahead"


async def test_a_proposal_the_program_withdrew_to_propose_another_mentor_keeps_that_as_a_flag_and_says_it():
    uow, pair = await a_pair()
    await handlers.pairing_declined(ma.PairingDeclinedV3(**pair, pairing_id=uuid4(), declined_by=None,
                                                         declined_by_program=True, reason_code="reassigned"), uow)

    [to_mentee] = stored(uow, pair["mentee_id"], "pairing_declined")
    [to_mentor] = stored(uow, pair["mentor_id"], "pairing_declined")
    assert no_reason_in(to_mentee) and to_mentee["reassigned"] is True
    assert no_reason_in(to_mentor) and "reassigned" not in to_mentor
    [item] = await shown(uow, pair["mentee_id"])
    said = await views.inbox_message(uow, pair["mentee_id"], item["id"], POLICY, datetime.now(UTC), COMPOSER)
    assert any("proposed another mentor to you" in p for p in said.paragraphs)


async def test_a_mentee_whose_mentor_ended_it_keeps_no_reason_only_the_flags_the_words_need():
    uow, pair = await a_pair()
    for reason in ("not_a_good_fit", "conduct", "other"):
        await handlers.pairing_ended(ma.PairingEndedV2(**pair, pairing_id=uuid4(), ended_by="mentor",
                                                       reason_code=reason), uow)

    told = stored(uow, pair["mentee_id"], "pairing_ended")
    assert len(told) == 3 and all(no_reason_in(parameters) for parameters in told)
    assert all(no_reason_in(item["parameters"]) for item in await shown(uow, pair["mentee_id"]))


async def test_a_decline_stored_with_its_reason_before_is_shown_without_it_and_still_says_what_it_said():
    uow, pair = await a_pair()
    # As rows were stored before: the reason's code on both sides' notifications.
    async with uow:
        for person, partner, role in ((pair["mentee_id"], pair["mentor_id"], "mentee"),
                                      (pair["mentor_id"], pair["mentee_id"], "mentor")):
            await uow.notifications.add(Notification.answering(
                uuid4(), person, None, "pairing_declined", partner_id=partner, role=role, pairing_id=uuid4(),
                program_id=pair["program_id"], by="program", reason_code="reassigned", withdrawn=False,
                requested=False))
        await uow.notifications.add(Notification.answering(
            uuid4(), pair["mentee_id"], None, "pairing_declined", partner_id=pair["mentor_id"], role="mentee",
            pairing_id=uuid4(), program_id=pair["program_id"], by="mentor", reason_code="not_a_good_fit",
            withdrawn=False, requested=False))
        await uow.commit()

    for person in (pair["mentee_id"], pair["mentor_id"]):
        assert all(no_reason_in(item["parameters"]) for item in await shown(uow, person))
    reassigned = next(i for i in await shown(uow, pair["mentee_id"]) if i["parameters"].get("by") == "program")
    said = await views.inbox_message(uow, pair["mentee_id"], reassigned["id"], POLICY, datetime.now(UTC), COMPOSER)
    assert any("proposed another mentor to you" in p for p in said.paragraphs)
