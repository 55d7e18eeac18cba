"""Staff have an email that did not arrive sent again: one that failed for good, or one that may not have gone.
Never one that arrived or is on its way, and never an email change, whose link is not kept."""

from uuid import UUID, uuid4

import pytest
from mentorship_contracts import profiles as pr
from notifications.domain import commands
from notifications.domain.model import (
    MAX_ATTEMPTS,
    AddressNotKept,
    DeliveryUncertain,
    LinkNotKept,
    NoSuchDelivery,
    NothingToSendAgain,
    NotYourChapters,
)
from notifications.service_layer import handlers
from plumbing.auth import Principal, Role

from .fakes import FakeMailer
from .test_dispatch import dispatch, new_uow, pairing, reachable
from .test_email_change import known_person, request, send

COORDINATOR = Principal(subject="carla", role=Role.COORDINATOR, person_id=uuid4())
ADMIN = Principal(subject="ops", role=Role.ADMIN)


def ANY_CHAPTER(chapter_id):  # noqa: N802 - a constant, called
    return True


async def failed_pairing_emails(uow):
    event = pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    refusing = FakeMailer(ConnectionRefusedError("smtp down"))
    for _ in range(MAX_ATTEMPTS):
        await dispatch(uow, refusing)
    return event


async def test_a_failed_email_sent_again_has_fresh_tries_and_goes_once_saying_who_asked():
    uow = new_uow()
    event = await failed_pairing_emails(uow)
    [to_mentee] = [i for i, r in uow.notifications.rows.items() if r["n"].person_id == event.mentee_id]

    delivery = await handlers.send_again(commands.SendAgain(to_mentee), COORDINATOR, ANY_CHAPTER, uow)

    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == ("pending", 0, None)
    assert delivery["sent_again_by"] == COORDINATOR.person_id and delivery["sent_again_at"] is not None
    [audited] = uow.audited
    assert (audited.actor, audited.action, audited.subject_id, audited.detail) == (
        str(COORDINATOR.person_id), "email.sent_again", str(to_mentee),
        {"person_id": str(event.mentee_id), "kind": "pairing_confirmed", "status": "failed"})
    mailer = FakeMailer()
    await dispatch(uow, mailer)
    await dispatch(uow, mailer)
    assert [e.to for e in mailer.sent] == [f"{event.mentee_id}@example.org"]
    assert uow.notifications.statuses() == {f"pairing_confirmed:{event.mentee_id}": "sent",
                                            f"pairing_confirmed:{event.mentor_id}": "failed"}
    assert [e.event_type for e in uow.published][-1] == "notifications.notification_sent"


async def test_an_email_sent_again_that_fails_again_is_back_in_the_log_after_its_own_five_tries():
    uow = new_uow()
    event = await failed_pairing_emails(uow)
    [to_mentee] = [i for i, r in uow.notifications.rows.items() if r["n"].person_id == event.mentee_id]
    await handlers.send_again(commands.SendAgain(to_mentee), COORDINATOR, ANY_CHAPTER, uow)
    refusing = FakeMailer(ConnectionRefusedError("still down"))
    for _ in range(MAX_ATTEMPTS - 1):
        await dispatch(uow, refusing)
        assert uow.notifications.rows[to_mentee]["status"] == "pending"
    await dispatch(uow, refusing)
    [logged] = [d for d in await uow.notifications.delivery_log(None, "failed", 10) if d["id"] == to_mentee]
    assert (logged["attempts"], logged["last_error"], logged["sent_again_by"]) == (
        MAX_ATTEMPTS, "ConnectionRefusedError", COORDINATOR.person_id)


async def test_an_email_that_may_not_have_arrived_goes_again_only_when_asked():
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    await dispatch(uow, FakeMailer(DeliveryUncertain("SMTPServerDisconnected")))
    mailer = FakeMailer()
    await dispatch(uow, mailer)
    assert mailer.sent == []  # never by itself: it may have arrived

    for notification_id in list(uow.notifications.rows):
        await handlers.send_again(commands.SendAgain(notification_id), ADMIN, ANY_CHAPTER, uow)
    await dispatch(uow, mailer)
    assert len(mailer.sent) == 2
    assert set(uow.notifications.statuses().values()) == {"sent"}


@pytest.mark.parametrize("mailer", [FakeMailer(), None], ids=["arrived", "waiting"])
async def test_an_email_that_arrived_or_is_waiting_to_go_is_not_sent_again(mailer):
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    if mailer:
        await dispatch(uow, mailer)
    notification_id = next(iter(uow.notifications.rows))
    before = dict(uow.notifications.rows[notification_id])

    with pytest.raises(NothingToSendAgain, match="sent" if mailer else "pending"):
        await handlers.send_again(commands.SendAgain(notification_id), COORDINATOR, ANY_CHAPTER, uow)
    assert uow.notifications.rows[notification_id] == before and uow.audited == []


async def test_an_email_change_that_failed_is_not_sent_again_for_its_link_is_not_kept():
    uow = new_uow()
    person = await known_person(uow)
    await handlers.email_change_requested(request(person), uow)
    notification_id = await failed_for_good(uow)

    with pytest.raises(LinkNotKept):
        await handlers.send_again(commands.SendAgain(notification_id), COORDINATOR, ANY_CHAPTER, uow)
    assert uow.notifications.rows[notification_id]["status"] == "failed"


async def test_the_email_telling_a_replaced_address_that_failed_is_not_sent_again_for_that_address_is_not_kept():
    uow = new_uow()
    person = await known_person(uow)
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=person, chapter_id=None, display_name="Ana Reyes", email="ana.new@example.org"), uow)
    notification_id = await failed_for_good(uow)

    with pytest.raises(AddressNotKept):
        await handlers.send_again(commands.SendAgain(notification_id), COORDINATOR, ANY_CHAPTER, uow)


async def failed_for_good(uow) -> UUID:
    """The one notification, refused by the mail server until it failed for good."""
    refusing = FakeMailer(ConnectionRefusedError("smtp down"))
    for _ in range(MAX_ATTEMPTS):
        await send(uow, refusing)
    [notification_id] = uow.notifications.rows
    assert uow.notifications.rows[notification_id]["status"] == "failed"
    return notification_id


async def test_sending_again_a_notification_that_does_not_exist_is_not_found():
    with pytest.raises(NoSuchDelivery):
        await handlers.send_again(commands.SendAgain(uuid4()), COORDINATOR, ANY_CHAPTER, new_uow())


def test_the_codes_staff_are_told_are_stable():
    assert (NothingToSendAgain("sent").code, LinkNotKept().code, AddressNotKept().code) == (
        "nothing_to_send_again", "link_not_kept", "address_not_kept")


async def test_after_an_outage_every_email_listed_is_sent_again_at_once_and_those_that_arrived_since_are_skipped():
    uow = new_uow()
    first, second = await failed_pairing_emails(uow), await failed_pairing_emails(uow)
    arrived_since = next(i for i, r in uow.notifications.rows.items() if r["n"].person_id == second.mentor_id)
    uow.notifications.rows[arrived_since]["status"] = "sent"
    listed = [*uow.notifications.rows, uuid4()]  # and one erased since

    sent, skipped = await handlers.send_all_again(commands.SendAllAgain(tuple(listed)), COORDINATOR, ANY_CHAPTER, uow)

    assert sorted(row["id"] for row in sent) == sorted(set(uow.notifications.rows) - {arrived_since})
    assert sorted(skipped) == sorted([arrived_since, listed[-1]])
    assert len(uow.audited) == 3
    mailer = FakeMailer()
    await dispatch(uow, mailer)
    assert sorted(e.to for e in mailer.sent) == sorted(
        f"{p}@example.org" for p in (first.mentee_id, first.mentor_id, second.mentee_id))


async def test_nothing_is_sent_again_when_one_email_listed_is_another_chapters():
    uow = new_uow()
    await failed_pairing_emails(uow)
    listed = tuple(uow.notifications.rows)
    ours = next(iter(listed))

    with pytest.raises(NotYourChapters):
        await handlers.send_all_again(commands.SendAllAgain(listed), COORDINATOR, lambda _: False, uow)
    with pytest.raises(NotYourChapters):
        await handlers.send_again(commands.SendAgain(ours), COORDINATOR, lambda _: False, uow)
    assert set(uow.notifications.statuses().values()) == {"failed"} and uow.audited == []
