"""What notifications does with each event it reads (keep its read models, record what to tell whom),
and with each command from its API (preferences, unsubscribing, reading the inbox)."""

from __future__ import annotations

from uuid import UUID

from mentorship_contracts import events as events_contract
from mentorship_contracts import matching as matching_contract
from mentorship_contracts import profiles as profiles_contract
from mentorship_contracts.vocabulary import PairingKind

from ..domain import commands
from ..domain.model import Notification, NotInInbox, Preferences
from .ports import NotificationsUnitOfWorkPort as UnitOfWork

# --- profiles ------------------------------------------------------------------------------------------------


async def contact_details_changed(event: profiles_contract.ContactDetailsChanged, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.save_contact(
            person_id=event.person_id, chapter_id=event.chapter_id, display_name=event.display_name,
            email=event.email, timezone=event.timezone, pronouns_for_partner=event.pronouns_for_partner,
            bio_for_partner=event.bio_for_partner,
        )
        await uow.commit()


async def person_erased(event: profiles_contract.PersonErased, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.forget_person(event.person_id)
        await uow.commit()


async def chapter_defined(event: profiles_contract.ChapterDefined, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.save_chapter(event.chapter_id, event.name)
        await uow.commit()


async def program_defined(event: profiles_contract.ProgramDefined, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.save_program(event.program_id, event.chapter_id, event.name)
        await uow.commit()


async def person_registered(event: profiles_contract.PersonRegistered, uow: UnitOfWork) -> None:
    await _tell(uow, Notification.answering(event.event_id, event.person_id, event.chapter_id, "welcome"))


async def mentor_approved(event: profiles_contract.MentorApproved, uow: UnitOfWork) -> None:
    await _tell(uow, Notification.answering(event.event_id, event.person_id, event.chapter_id, "mentor_approved",
                                            program_id=event.program_id))


# --- matching ------------------------------------------------------------------------------------------------


def _both_sides(event: matching_contract.PairingEvent, kind: str, **parameters) -> list[Notification]:
    """One notification to each side, each about the other."""
    return [
        Notification.answering(event.event_id, person, event.chapter_id, kind, partner_id=partner, role=role,
                               pairing_id=event.pairing_id, program_id=event.program_id, **parameters)
        for person, partner, role in ((event.mentee_id, event.mentor_id, "mentee"),
                                      (event.mentor_id, event.mentee_id, "mentor"))
    ]


def _kind_of(event: matching_contract.PairingProposed | matching_contract.PairingConfirmed
             | matching_contract.MenteeWaitlisted) -> str:
    """The kind of pairing a version-2 event names; version 1 means `general`."""
    return str(getattr(event, "pairing_kind", PairingKind.GENERAL))


async def pairing_proposed(event: matching_contract.PairingProposed, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "pairing_proposed", pairing_kind=_kind_of(event)))


async def pairing_confirmed(event: matching_contract.PairingConfirmed, uow: UnitOfWork) -> None:
    async with uow:
        was_waiting = await uow.notifications.mark_paired(event.mentee_id, event.program_id, _kind_of(event),
                                                          event.occurred_at)
        to_mentee, to_mentor = _both_sides(event, "pairing_confirmed", term_ends_at=event.term_ends_at,
                                           pairing_kind=_kind_of(event))
        if was_waiting:
            to_mentee = Notification.answering(event.event_id, event.mentee_id, event.chapter_id, "waitlist_paired",
                                               **to_mentee.parameters)
        for notification in (to_mentee, to_mentor):
            await uow.notifications.add(notification)
        await uow.commit()


async def pairing_declined(event: matching_contract.PairingDeclined, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "pairing_declined", by=event.declined_by))


async def pairing_ended(event: matching_contract.PairingEnded, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "pairing_ended", by=event.ended_by))


async def pairing_renewed(event: matching_contract.PairingRenewed, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "pairing_renewed", term_ends_at=event.term_ends_at))


async def renewal_due(event: matching_contract.RenewalDue, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "renewal_due", term_ends_at=event.term_ends_at))


async def meeting_overdue(event: matching_contract.MeetingOverdue, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "meeting_overdue", days_overdue=event.days_overdue))


async def pairing_completed(event: matching_contract.PairingCompleted, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "feedback_request"))


async def mentee_waitlisted(event: matching_contract.MenteeWaitlisted, uow: UnitOfWork) -> None:
    async with uow:
        # Read after the pairing that followed it (another topic): the mentee is no longer waiting.
        if await uow.notifications.mark_waiting(event.mentee_id, event.program_id, _kind_of(event), event.occurred_at):
            await uow.notifications.add(Notification.answering(
                event.event_id, event.mentee_id, event.chapter_id, "mentee_waitlisted",
                program_id=event.program_id, position=event.position, pairing_kind=_kind_of(event)))
        await uow.commit()


# --- events --------------------------------------------------------------------------------------------------


async def _save_listing(event: events_contract._EventDetails, uow: UnitOfWork) -> None:
    await uow.notifications.save_listing(
        scheduled_event_id=event.scheduled_event_id, chapter_id=event.chapter_id, title=event.title,
        starts_at=event.starts_at, ends_at=event.ends_at, timezone=event.timezone, location=event.location,
        is_virtual=event.is_virtual,
    )


async def event_published(event: events_contract.EventPublished, uow: UnitOfWork) -> None:
    async with uow:
        await _save_listing(event, uow)
        await uow.commit()


def _event_updated(update_id: UUID, person_id: UUID, chapter_id: UUID | None, scheduled_event_id: UUID,
                   changed_fields: list[str]) -> Notification:
    return Notification.answering(update_id, person_id, chapter_id, "event_updated",
                                  scheduled_event_id=scheduled_event_id, changed_fields=changed_fields)


async def event_updated(event: events_contract.EventUpdated, uow: UnitOfWork) -> None:
    async with uow:
        await _save_listing(event, uow)
        await uow.notifications.note_update(event.scheduled_event_id, event.event_id, event.occurred_at,
                                            event.changed_fields)
        for person in await uow.notifications.registrants(event.scheduled_event_id):
            await uow.notifications.add(_event_updated(event.event_id, person, event.chapter_id,
                                                       event.scheduled_event_id, event.changed_fields))
        await uow.commit()


def _event_cancelled(scheduled_event_id: UUID, person_id: UUID, chapter_id: UUID | None) -> Notification:
    # Keyed by the scheduled event, not the message: the cancellation reaches a registrant both as
    # EventCancelled and as their RegistrationCancelled, on two topics in either order, and is told once.
    return Notification.answering(scheduled_event_id, person_id, chapter_id, "event_cancelled",
                                  scheduled_event_id=scheduled_event_id)


async def event_cancelled(event: events_contract.EventCancelled, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.note_cancellation(event.scheduled_event_id, event.occurred_at)
        for person in await uow.notifications.registrants(event.scheduled_event_id):
            await uow.notifications.add(_event_cancelled(event.scheduled_event_id, person, event.chapter_id))
        await uow.commit()


async def _registration(event: events_contract._RegistrationEvent, uow: UnitOfWork, status: str, kind: str,
                        **parameters: object) -> None:
    async with uow:
        await uow.notifications.save_registration(event.registration_id, event.scheduled_event_id, event.person_id,
                                                  status)
        # The event's own topic may have been read further than this one: an update or a cancellation that
        # happened after this registration was not sent to this registrant then, so it is now.
        listing = await uow.notifications.listing(event.scheduled_event_id) or {}
        if listing.get("cancelled_at") and event.occurred_at < listing["cancelled_at"]:
            await uow.notifications.add(_event_cancelled(event.scheduled_event_id, event.person_id, event.chapter_id))
        else:
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, event.chapter_id, kind, scheduled_event_id=event.scheduled_event_id,
                registration_id=event.registration_id, **parameters))
            if listing.get("last_updated_at") and event.occurred_at < listing["last_updated_at"]:
                await uow.notifications.add(_event_updated(listing["last_update_id"], event.person_id,
                                                           event.chapter_id, event.scheduled_event_id,
                                                           listing["changed_fields"]))
        await uow.commit()


async def registration_confirmed(event: events_contract.RegistrationConfirmed, uow: UnitOfWork) -> None:
    await _registration(event, uow, "confirmed", "registration_confirmed")


async def registration_waitlisted(event: events_contract.RegistrationWaitlisted, uow: UnitOfWork) -> None:
    await _registration(event, uow, "waitlisted", "registration_waitlisted", position=event.position)


async def registration_promoted(event: events_contract.RegistrationPromoted, uow: UnitOfWork) -> None:
    await _registration(event, uow, "promoted", "registration_promoted")


async def registration_cancelled(event: events_contract.RegistrationCancelled, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.save_registration(event.registration_id, event.scheduled_event_id, event.person_id,
                                                  "cancelled")
        if event.cancelled_by == "event_cancelled":
            await uow.notifications.add(_event_cancelled(event.scheduled_event_id, event.person_id, event.chapter_id))
        await uow.commit()


async def virtual_access_granted(event: events_contract.VirtualAccessGranted, uow: UnitOfWork) -> None:
    """Keep the link; if the confirmation has already gone without it, send the link on its own."""
    async with uow:
        await uow.notifications.save_access_link(event.registration_id, event.scheduled_event_id, event.person_id,
                                                 event.join_url)
        # Locking the confirmation's row orders this against the dispatcher's claim: either the confirmation is
        # still pending (and will carry the link) or it was claimed without it (and the link goes on its own).
        status = await uow.notifications.seat_notification_status(event.registration_id)
        if status not in (None, "pending"):
            listing = await uow.notifications.listing(event.scheduled_event_id)
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, listing["chapter_id"] if listing else None, "join_link",
                scheduled_event_id=event.scheduled_event_id, registration_id=event.registration_id))
        await uow.commit()


async def reminder_due(event: events_contract.ReminderDue, uow: UnitOfWork) -> None:
    async with uow:
        listing = await uow.notifications.listing(event.scheduled_event_id) or {}
        if (await uow.notifications.registration_status(event.registration_id) != "cancelled"
                and not listing.get("cancelled_at")):
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, event.chapter_id, "event_reminder",
                scheduled_event_id=event.scheduled_event_id, registration_id=event.registration_id))
        await uow.commit()


async def _tell(uow: UnitOfWork, *notifications: Notification) -> None:
    async with uow:
        for notification in notifications:
            await uow.notifications.add(notification)
        await uow.commit()


# --- commands from the API -----------------------------------------------------------------------------------


async def change_preferences(command: commands.ChangePreferences, uow: UnitOfWork) -> Preferences:
    """Raises CannotOptOut for a category that answers the person's own actions."""
    async with uow:
        preferences = await uow.notifications.preferences(command.person_id)
        for category, opted_out in command.opt_outs.items():
            preferences = preferences.opting_out(category, opted_out)
        if command.daily_digest is not None:
            preferences = preferences.with_digest(command.daily_digest)
        await uow.notifications.save_preferences(command.person_id, preferences)
        await uow.commit()
    return preferences


async def mark_read(command: commands.MarkRead, uow: UnitOfWork) -> None:
    """Raises NotInInbox when the person has no such notification."""
    async with uow:
        if not await uow.notifications.mark_read(command.person_id, command.notification_id):
            raise NotInInbox()
        await uow.commit()
