"""Office hours: a host offers a slot, one participant books it, either side cancels and it reopens."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.domain import commands
from events.domain.model import AlreadyBooked, Invalid
from events.service_layer import handlers
from mentorship_contracts import events as contract
from mentorship_contracts.profiles import PersonErased

TOMORROW = datetime.now(UTC) + timedelta(days=1)


async def offered(uow, host=None):
    return await handlers.offer_slot(commands.OfferSlot(host or uuid4(), None, TOMORROW, TOMORROW + timedelta(minutes=30)), uow)


async def test_a_booked_slot_is_not_booked_by_anyone_else_but_a_retry_is_harmless(uow):
    slot, student, other = await offered(uow), uuid4(), uuid4()
    _, booked = await handlers.book_slot(commands.BookSlot(slot.id, student), uow)
    _, booked_again = await handlers.book_slot(commands.BookSlot(slot.id, student), uow)
    with pytest.raises(AlreadyBooked):
        await handlers.book_slot(commands.BookSlot(slot.id, other), uow)
    assert (booked, booked_again) == (True, False)
    assert len(uow.published_of(contract.OfficeHoursBooked)) == 1


async def test_a_cancelled_booking_reopens_the_slot_for_someone_else(uow):
    slot, student, other = await offered(uow), uuid4(), uuid4()
    await handlers.book_slot(commands.BookSlot(slot.id, student), uow)

    await handlers.cancel_booking(commands.CancelBooking(slot.id, "host"), uow)
    rebooked, _ = await handlers.book_slot(commands.BookSlot(slot.id, other), uow)

    cancelled = uow.published_of(contract.OfficeHoursBookingCancelled)
    assert [(c.person_id, c.cancelled_by) for c in cancelled] == [(student, "host")]
    assert rebooked.booked_by == other


async def test_a_host_does_not_book_their_own_slot(uow):
    host = uuid4()
    slot = await offered(uow, host)
    with pytest.raises(Invalid):
        await handlers.book_slot(commands.BookSlot(slot.id, host), uow)


async def test_an_erased_host_s_slots_go_and_their_booker_is_told(uow):
    host, student = uuid4(), uuid4()
    slot = await offered(uow, host)
    await handlers.book_slot(commands.BookSlot(slot.id, student), uow)

    await handlers.person_erased(PersonErased(person_id=host), uow)

    assert uow.slots.rows == {}
    assert [c.person_id for c in uow.published_of(contract.OfficeHoursBookingCancelled)] == [student]
