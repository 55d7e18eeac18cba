"""What notifications does with each event it reads: keep its read models, record what to send."""

from __future__ import annotations

from mentorship_contracts import events as events_contract
from mentorship_contracts import matching as matching_contract
from mentorship_contracts import profiles as profiles_contract

from ..domain.model import Notification


async def contact_details_changed(event: profiles_contract.ContactDetailsChanged, uow) -> None:
    async with uow:
        await uow.notifications.save_contact(
            person_id=event.person_id, chapter_id=event.chapter_id, display_name=event.display_name,
            email=event.email, timezone=event.timezone, pronouns_for_partner=event.pronouns_for_partner,
            bio_for_partner=event.bio_for_partner,
        )
        await uow.commit()


async def person_erased(event: profiles_contract.PersonErased, uow) -> None:
    async with uow:
        await uow.notifications.forget_person(event.person_id)
        await uow.commit()


async def pairing_confirmed(event: matching_contract.PairingConfirmed, uow) -> None:
    """Tell both sides, each about the other."""
    async with uow:
        for person, partner, role in ((event.mentee_id, event.mentor_id, "mentee"),
                                      (event.mentor_id, event.mentee_id, "mentor")):
            await uow.notifications.add(Notification.answering(
                event.event_id, person, event.chapter_id, "pairing_confirmed",
                partner_id=str(partner), role=role, pairing_id=str(event.pairing_id),
            ))
        await uow.commit()


async def event_published(event: events_contract.EventPublished, uow) -> None:
    async with uow:
        await uow.notifications.save_listing(
            scheduled_event_id=event.scheduled_event_id, title=event.title, starts_at=event.starts_at,
            ends_at=event.ends_at, timezone=event.timezone, location=event.location, is_virtual=event.is_virtual,
        )
        await uow.commit()


async def registration_confirmed(event: events_contract.RegistrationConfirmed, uow) -> None:
    async with uow:
        await uow.notifications.add(Notification.answering(
            event.event_id, event.person_id, event.chapter_id, "registration_confirmed",
            scheduled_event_id=str(event.scheduled_event_id),
        ))
        await uow.commit()
