"""What notifications does with each event it reads (keep its read models, record what to tell whom),
and with each command from its API (preferences, unsubscribing, reading the inbox, sending an email again).

Text from other services (names, titles, places) is made safe as it is kept (`domain.text`): nothing another service
lets through can break a message later."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from typing import get_args
from uuid import UUID, uuid5

from mentorship_contracts import events as events_contract
from mentorship_contracts import matching as matching_contract
from mentorship_contracts import profiles as profiles_contract
from mentorship_contracts.envelope import IntegrationEvent, private_twins
from mentorship_contracts.matching import pairing_kind_of
from mentorship_contracts.vocabulary import Role, TrainingStage
from plumbing.auth import Principal

from ..domain import commands
from ..domain.model import (
    BOOKING_HELD_KINDS,
    HOLDS_A_SEAT,
    KINDS,
    MESSAGES_WINDOW,
    AddressNotKept,
    Category,
    LinkNoLongerWorks,
    LinkNotKept,
    MessageIdTaken,
    NoSuchDelivery,
    NothingToSendAgain,
    Notification,
    NotInInbox,
    NotYourChapters,
    Preferences,
    UnknownPerson,
    check_may_message,
    check_organiser,
    check_sendable_again,
    concerning_attendees,
    organisers_words,
    reminder_time,
)
from ..domain.text import one_line, paragraphs
from .ports import NotificationsUnitOfWorkPort as UnitOfWork
from .ports import Row

# --- profiles ------------------------------------------------------------------------------------------------


async def contact_details_changed(
        event: profiles_contract.ContactDetailsChanged | profiles_contract.ContactDetailsRestated, uow: UnitOfWork,
) -> None:
    """How to reach the person, replaced whole: by their change, or by a restatement of what profiles holds (one
    notifications never read, after a restore). A changed address is told to the one it replaces, in case it was
    not them: someone else in their account could otherwise lock them out unseen."""
    email = event.email.strip()
    async with uow:
        # A restatement tells nobody, so it reads nothing more (a national one is every person's contact).
        before = (await uow.notifications.contact(event.person_id)
                  if isinstance(event, profiles_contract.ContactDetailsChanged) else None)
        if before is not None and before["email"] and before["email"].lower() != email.lower():
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, event.chapter_id, "email_changed", old_email=before["email"]))
        await uow.notifications.save_contact(
            person_id=event.person_id, chapter_id=event.chapter_id,
            display_name=one_line(event.display_name, 200) or "", email=email,
            timezone=one_line(event.timezone, 64) or "UTC",
            pronouns_for_partner=one_line(event.pronouns_for_partner, 40),
            bio_for_partner=paragraphs(event.bio_for_partner, 2000),
            shares_more_with_partner=_shares_more(event.identity_for_partner),
            language=getattr(event, "preferred_language", None),  # None: not said (English, the default, is written)
        )
        await uow.commit()


def _shares_more(identity: dict[str, str]) -> bool:
    """Whether the person consented to show a partner something of who they are (an empty answer is none). Only
    that is kept: an email never says what, as it could not be taken back once they withdraw that consent."""
    return any(one_line(name, 64) and one_line(value, 200) for name, value in identity.items())


async def email_change_requested(event: profiles_contract.EmailChangeRequested, uow: UnitOfWork) -> None:
    """One email to the new address (never the stored one) with the link to confirm it. What the email needs is
    kept in the notification's row until it has gone (`HELD_UNTIL_SENT`), then dropped; a later request is another
    email, and one still unsent from an earlier request is not sent (its link no longer works). Raises ValueError
    (the event is dead-lettered) for a link that is not the web app's confirmation page."""
    path = event.confirmation_path
    page = profiles_contract.EMAIL_CONFIRMATION_PAGE + "?"
    if not path.startswith(page) or not path.isascii() or not path.isprintable() or " " in path:
        raise ValueError("the confirmation path is not the web app's confirmation page")
    notification = Notification.answering(
        event.event_id, event.person_id, event.chapter_id, "email_change", new_email=event.new_email.strip(),
        display_name=one_line(event.display_name, 200) or "", confirmation_path=path, expires_at=event.expires_at,
        # A language never said stays so: the email is in English, its link leaves the page to the browser's.
        timezone=one_line(event.timezone, 64) or "UTC", language=event.preferred_language)
    async with uow:
        await uow.notifications.drop_pending(event.person_id, "email_change", but=notification.id)
        await uow.notifications.add(notification)
        await uow.commit()


async def person_erased(event: profiles_contract.PersonErased, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.forget_person(event.person_id)
        await uow.commit()


async def person_suspended(event: profiles_contract.PersonSuspended, uow: UnitOfWork) -> None:
    """A coordinator suspended the account (a safeguarding concern, say). The seats they hold are still theirs and
    they are told of them, reminders included; but no email or inbox item gives them an event's join link until
    they are reinstated: the way into a session full of students is the harm."""
    async with uow:
        await uow.notifications.note_suspension(event.person_id, True, event.occurred_at)
        await uow.commit()


# A reinstatement read longer after it than this (a new subscription reads the topic from its start) is noted, not
# told: "your account is active again" would be news of long ago.
REINSTATEMENT_NEWS_FOR = timedelta(days=2)


async def person_reinstated(event: profiles_contract.PersonReinstated, uow: UnitOfWork) -> None:
    """Their account is theirs again: their join links go in what they are sent from now on, and they are told they
    can sign in (once for each reinstatement), unless a later suspension was noted first or it is old news (a
    reinstatement read late)."""
    async with uow:
        await uow.notifications.note_suspension(event.person_id, False, event.occurred_at)
        news = event.occurred_at > datetime.now(UTC) - REINSTATEMENT_NEWS_FOR
        if news and not await uow.notifications.suspended_of([event.person_id]):
            contact = await uow.notifications.contact(event.person_id)
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, contact["chapter_id"] if contact else None, "account_reinstated"))
        await uow.commit()


async def person_restated(event: profiles_contract.PersonRestated, uow: UnitOfWork) -> None:
    """Profiles restated the person as it holds them now: whether they are suspended, unless a newer fact was read."""
    async with uow:
        await uow.notifications.note_suspension(event.person_id, event.suspended, event.occurred_at)
        await uow.commit()


async def chapter_defined(event: profiles_contract.ChapterDefined, uow: UnitOfWork) -> None:
    async with uow:
        await uow.notifications.save_chapter(event.chapter_id, one_line(event.name) or "")
        await uow.commit()


async def program_defined(event: profiles_contract.ProgramDefined, uow: UnitOfWork) -> None:
    """Kept as its latest definition says, whether its members are public included (before version 5: not),
    whether a proposal waits for both sides to accept, and whether its mentees include high-school students (every
    version says these two)."""
    async with uow:
        await uow.notifications.save_program(event.program_id, event.chapter_id, one_line(event.name) or "",
                                             event.cadence_min_days, event.cadence_max_days, event.pairing_mode,
                                             members_public=getattr(event, "members_public", False),
                                             both_must_accept=event.both_must_accept,
                                             mentees_include_minors=TrainingStage.HIGH_SCHOOL in event.mentee_stages)
        await uow.commit()


async def person_registered(event: profiles_contract.PersonRegistered, uow: UnitOfWork) -> None:
    """Welcomed, unless a coordinator invited them (`person_invited`, read first)."""
    async with uow:
        if not await uow.notifications.was_invited(event.person_id):
            await uow.notifications.add(Notification.answering(event.event_id, event.person_id, event.chapter_id,
                                                               "welcome"))
        await uow.commit()


async def person_invited(event: profiles_contract.PersonInvited, uow: UnitOfWork) -> None:
    """The web app mails a coordinator's invitation, which is their welcome: one registered by the invitation (in
    the same transaction, but maybe on another topic, so read before or after this) is not also welcomed to an
    account they never made, in a language nobody asked them for. Read after, it withdraws the welcome, which waits
    a little for it (the dispatcher's `welcome_grace_seconds`); read before, it leaves none to make."""
    async with uow:
        await uow.notifications.mark_invited(event.person_id)
        await uow.notifications.withdraw_unsent([event.person_id], ("welcome",), {})
        await uow.commit()


async def staff_roles_changed(event: profiles_contract.StaffRolesChanged, uow: UnitOfWork) -> None:
    """Someone made a coordinator or an administrator, or no longer one, is told what the console lets them do now.
    Before version 2 which role changed is unknown, and nothing is said rather than guessed."""
    if isinstance(event, profiles_contract.StaffRolesChangedV2):
        await _tell(uow, Notification.answering(event.event_id, event.person_id, event.chapter_id,
                                                "staff_role_changed", role=event.role, granted=event.granted))


async def mentor_approved(event: profiles_contract.MentorApproved, uow: UnitOfWork) -> None:
    await _tell(uow, Notification.answering(event.event_id, event.person_id, event.chapter_id, "mentor_approved",
                                            program_id=event.program_id))


async def mentor_suspended(event: profiles_contract.MentorSuspended, uow: UnitOfWork) -> None:
    """A mentor a coordinator suspended in a program is told, as one approved is: their offer declined, or their
    mentoring put on hold. Before version 3 which it was is unknown, and nothing is said rather than guessed."""
    if isinstance(event, profiles_contract.MentorSuspendedV3):
        await _tell(uow, Notification.answering(event.event_id, event.person_id, event.chapter_id, "mentor_suspended",
                                                program_id=event.program_id, was_approved=event.was_approved,
                                                national=event.chapter_id is None))


async def review_asked(event: profiles_contract.ReviewAsked, uow: UnitOfWork) -> None:
    """A member of staff is asked to look into someone waiting on staff in a program they run: told why, never who
    (nor who reported them); the console shows whom. Mentors waiting to be approved are told of once a day at most
    for each program (one message answers every such request of the day, UTC): the vetting queue lists them all."""
    source = (f"{event.program_id}:{event.occurred_at.date().isoformat()}"
              if event.review_reason == "approval_awaited" else event.event_id)
    await _tell(uow, Notification.answering(source, event.person_id, event.chapter_id, "review_asked",
                                            program_id=event.program_id, role=event.role.value,
                                            reason=event.review_reason))


async def enrollment_changed(event: profiles_contract.EnrollmentChanged, uow: UnitOfWork) -> None:
    """A mentee held after a report of conduct about them (`review_reason` among what changed), and not paused any
    more, was resumed by a coordinator who looked into it: told that they can be paired again (once a day at most for
    each program, should several of their enrollments there be resumed). Every other change of an enrollment is the
    person's own doing, or told by its own event (a mentor approved, suspended)."""
    if (isinstance(event, profiles_contract.EnrollmentChangedV4) and event.role == "mentee"
            and "review_reason" in event.changed_fields and not event.paused):
        await _tell(uow, Notification.answering(f"{event.program_id}:{event.occurred_at.date().isoformat()}",
                                                event.person_id, event.chapter_id, "review_cleared",
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


def _partner_left(event: matching_contract.PairingEvent, left: str, was: str) -> Notification:
    """The side that stays is told, without naming the one who erased their account (nor keeping their id)."""
    stays, role = (event.mentor_id, "mentor") if left == "mentee" else (event.mentee_id, "mentee")
    return Notification.answering(event.event_id, stays, event.chapter_id, "partner_left", role=role, was=was,
                                  pairing_id=event.pairing_id, program_id=event.program_id)


# A pairing's messages that no longer hold once it is renewed, or over (completed or ended): still unsent, or waiting
# for a digest, they are not sent ("you have been paired" included: it would show a partner who is one no more).
STALE_ONCE_ANSWERED = ("answer_due",)
STALE_ONCE_RENEWED = ("renewal_due",)
STALE_ONCE_OVER = ("meeting_overdue", "renewal_due", "pairing_confirmed", "waitlist_paired")
# A pairing's messages that ask their reader to answer it (its proposal or request, and the reminder to answer): once
# the reader answered, they are read in the reader's inbox rather than left waiting there; the other side's stay as
# they are.
ASKING_FOR_AN_ANSWER = ("pairing_proposed", "answer_due")


async def _pairing_changed(uow: UnitOfWork, event: matching_contract.PairingEvent, stale: tuple[str, ...],
                           *notifications: Notification, over: bool = False, answered: Collection[Role] = ()) -> None:
    async with uow:
        await _note_pairing_change(uow, event, stale, *notifications, over=over, answered=answered)
        await uow.commit()


async def _note_pairing_change(uow: UnitOfWork, event: matching_contract.PairingEvent, stale: tuple[str, ...],
                               *notifications: Notification, over: bool = False,
                               answered: Collection[Role] = ()) -> None:
    """`answered`: the sides that answered the pairing (`_answered`)."""
    if over:
        await uow.notifications.mark_pairing_over(event.pairing_id)
    await uow.notifications.withdraw_unsent([event.mentee_id, event.mentor_id], stale,
                                            {"pairing_id": str(event.pairing_id)})
    await _answered(uow, event, answered)
    for notification in notifications:
        await uow.notifications.add(notification)


async def _answered(uow: UnitOfWork, event: matching_contract.PairingEvent, sides: Collection[Role]) -> None:
    """What asked these sides to answer the pairing is read in their inbox (`ASKING_FOR_AN_ANSWER`)."""
    if sides:
        await uow.notifications.mark_all_read([event.mentee_id if side == Role.MENTEE else event.mentor_id
                                               for side in sides], ASKING_FOR_AN_ANSWER,
                                              {"pairing_id": str(event.pairing_id)})


ERASED = "person_erased"
WITHDRAWN = "request_withdrawn"  # a mentee took back their request of a mentor
LEFT_THE_PROGRAM = "withdrawn"  # one side withdrew their enrollment
MENTOR_SUSPENDED = "mentor_suspended"  # a coordinator suspended the mentor: the program's doing, not the mentor's
UNANSWERED = "unanswered"  # a proposal or a request left unanswered past matching's time to answer
CONDUCT = "conduct"  # one side ended it over the other's conduct: a coordinator reviews, the other is held back
GOALS_MET = "goals_met"  # it ran its course: matching rests the mentee until they ask for another mentor
REASSIGNED = "reassigned"  # the program withdrew a proposal, proposing the mentee another mentor instead
ANOTHER_ACCEPTED = "another_request_accepted"  # a mentee's request closed as another mentor accepted theirs
# Why a mentor ended a mentorship, when it is their own time or circumstances, never something of the mentee's.
MENTORS_OWN_REASONS = frozenset({"schedule_conflict", "no_longer_available", "relocated", "not_a_good_fit",
                                 LEFT_THE_PROGRAM})
# The reasons anyone may read: before version 4 of the pairing events, one (`shared_identity`) spoke of identity.
VISIBLE_REASONS = frozenset(get_args(matching_contract.PairingReason))


async def pairing_proposed(event: matching_contract.PairingProposed, uow: UnitOfWork) -> None:
    """A proposal, or a mentee's request to a mentor (version 5 says which): each side is told why, who answers, and
    by when (version 6)."""
    reasons = [reason for reason in event.reason_codes if reason in VISIBLE_REASONS]
    requested = isinstance(event, matching_contract.PairingProposedV5) and event.requested_by_mentee
    answer_by = event.answer_by if isinstance(event, matching_contract.PairingProposedV6) else None
    await _tell(uow, *_both_sides(event, "pairing_proposed", pairing_kind=pairing_kind_of(event),
                                  reason_codes=reasons, requested=requested, answer_by=answer_by))


async def pairing_confirmed(event: matching_contract.PairingConfirmed, uow: UnitOfWork) -> None:
    async with uow:
        kind = pairing_kind_of(event)
        was_waiting = await uow.notifications.mark_paired(event.mentee_id, event.program_id, kind, event.occurred_at)
        to_mentee, to_mentor = _both_sides(event, "pairing_confirmed", term_ends_at=event.term_ends_at,
                                           pairing_kind=kind)
        # A mentee's request accepted closes her others still waiting in the program (matching lapses them, right
        # after this event, as `another_request_accepted`): her email says so, rather than one message per request.
        if (await uow.notifications.was_requested(event.pairing_id, event.mentee_id)
                and (others := await uow.notifications.requests_waiting(event.mentee_id, event.program_id,
                                                                        but=event.pairing_id))):
            to_mentee.parameters["other_requests_closed"] = others
        if was_waiting:
            to_mentee = Notification.answering(event.event_id, event.mentee_id, event.chapter_id, "waitlist_paired",
                                               **to_mentee.parameters)
            # Not on the waitlist any more: a waitlisting not sent yet (or waiting for a digest) is not sent.
            await uow.notifications.withdraw_unsent([event.mentee_id], ("mentee_waitlisted",),
                                                    {"program_id": str(event.program_id), "pairing_kind": kind})
        # Answered: a reminder to answer not sent yet (or waiting for a digest) is not sent.
        await uow.notifications.withdraw_unsent([event.mentee_id, event.mentor_id], STALE_ONCE_ANSWERED,
                                                {"pairing_id": str(event.pairing_id)})
        # By both: the mentee accepted (or asked), and the mentor too, or, where her yes alone starts it, is asked no
        # more (a yes they gave before hers is told by no event).
        await _answered(uow, event, tuple(Role))
        for notification in (to_mentee, to_mentor):
            await uow.notifications.add(notification)
        await uow.commit()


async def pairing_declined(event: matching_contract.PairingDeclined, uow: UnitOfWork) -> None:
    if event.reason_code == ERASED:
        await _pairing_changed(uow, event, STALE_ONCE_ANSWERED, _partner_left(event, event.declined_by, "proposed"),
                               over=True)
    else:
        # Withdrawn by the program (a coordinator stepping in, version 3): `by` is "program", neither side. The reason
        # code is kept on neither notification (each inbox shows its parameters to its reader, and why one side, or
        # the program, declined is not the other's to read): only what the words need, as flags. `reassigned`: the
        # mentee was proposed another mentor instead, said to them alone.
        by = "program" if getattr(event, "declined_by_program", False) or event.reason_code == MENTOR_SUSPENDED \
            else event.declined_by
        async with uow:
            # The event does not say whether the mentee had asked this mentor; the proposal told to them did.
            requested = await uow.notifications.was_requested(event.pairing_id, event.mentee_id)
            told = _both_sides(event, "pairing_declined", by=by, withdrawn=event.reason_code == WITHDRAWN,
                               requested=requested)
            if by == "program" and event.reason_code == REASSIGNED:
                for notification in told:
                    if notification.parameters["role"] == "mentee":
                        notification.parameters["reassigned"] = True
            await _note_pairing_change(uow, event, STALE_ONCE_ANSWERED, *told, over=True,
                                       answered=() if by == "program" else (event.declined_by,))
            await uow.commit()


async def pairing_ended(event: matching_contract.PairingEnded, uow: UnitOfWork) -> None:
    if event.reason_code == ERASED:
        await _pairing_changed(uow, event, STALE_ONCE_OVER, _partner_left(event, event.ended_by, "active"), over=True)
    else:
        # Ended by the program (a coordinator stepping in, or suspending the mentor): `by` is "program", neither side.
        by = "program" if getattr(event, "ended_by_program", False) or event.reason_code == MENTOR_SUSPENDED \
            else event.ended_by
        told = _both_sides(event, "pairing_ended", by=by, **({"goals_met": True} if event.reason_code == GOALS_MET
                                                              else {}))
        if by == "mentor":
            # The mentee is told gently that their mentor stepped back (`messages.pairing_ended`), and that it is not
            # about them where the reason says so: kept as that alone on their notification, never the reason's code
            # (their inbox shows its parameters), so one about them (conduct, not_responding) or unknown (other) is
            # not told apart from the rest.
            for notification in told:
                if notification.parameters["role"] == "mentee":
                    if event.reason_code in MENTORS_OWN_REASONS:
                        notification.parameters["not_about_them"] = True
                    if event.reason_code == LEFT_THE_PROGRAM:
                        notification.parameters["left_the_program"] = True
        if event.reason_code == CONDUCT and by in ("mentee", "mentor"):
            # Kept on the notification of the one who reported alone: the other's (and their inbox) never says it.
            for notification in told:
                if notification.parameters["role"] == by:
                    notification.parameters["reported_conduct"] = True
        # The mentor's place is free again, unless they left the program, were suspended, or may be held over conduct;
        # said where the mentor did not end it themself (their page offered to pause as they did).
        if by != "mentor" and event.reason_code not in (CONDUCT, MENTOR_SUSPENDED):
            for notification in told:
                if notification.parameters["role"] == "mentor":
                    notification.parameters["room_freed"] = True
        await _pairing_changed(uow, event, STALE_ONCE_OVER, *told, over=True)


async def pairing_lapsed(event: matching_contract.PairingLapsed, uow: UnitOfWork) -> None:
    """A proposal or a request that lapsed unanswered is told to both, as a proposal declined; one whose side left
    (withdrew from the program, was suspended, or erased their account) to the side that stays, without the why: that
    is the other's and the program's. A request closed as another mentor accepted the mentee's is told to its mentor
    alone, who was asked to answer it by a date: the mentee's pairing email says her other requests closed."""
    # Version 4 says which side left; before it, an erasure was taken for the mentee's and a withdrawal went untold.
    left = event.lapsed_by.value if isinstance(event, matching_contract.PairingLapsedV4) else \
        "mentor" if event.reason_code == MENTOR_SUSPENDED else "mentee" if event.reason_code == ERASED else None
    if event.reason_code == UNANSWERED:
        # Who had not answered, and whether the mentee had asked: unknown (None) before version 3.
        awaiting = [role.value for role in event.awaiting] if isinstance(event, matching_contract.PairingLapsedV3) \
            else None
        told = _both_sides(event, "pairing_declined", unanswered=True, awaiting=awaiting,
                           requested=getattr(event, "requested_by_mentee", False))
    elif event.reason_code == ERASED and left:
        told = [_partner_left(event, left, "requested")]
    elif event.reason_code in (MENTOR_SUSPENDED, LEFT_THE_PROGRAM) and left == "mentor":
        # A request its mentor can no longer answer: the mentee asks another.
        told = _both_sides(event, "pairing_declined", mentor_gone=True, requested=True)[:1]
    elif event.reason_code == LEFT_THE_PROGRAM and left == "mentee":
        told = _both_sides(event, "pairing_declined", withdrawn=True, requested=True)[1:]
    elif event.reason_code == ANOTHER_ACCEPTED:
        told = _both_sides(event, "pairing_declined", another_accepted=True, requested=True)[1:]
    else:
        told = []
    # Who was not awaited had answered (accepted it, or, a mentee, asked): unknown before version 3.
    answered = [side for side in Role if side not in event.awaiting] \
        if isinstance(event, matching_contract.PairingLapsedV3) else []
    await _pairing_changed(uow, event, STALE_ONCE_ANSWERED, *told, over=True, answered=answered)


async def pairing_renewed(event: matching_contract.PairingRenewed, uow: UnitOfWork) -> None:
    await _pairing_changed(uow, event, STALE_ONCE_RENEWED,
                           *_both_sides(event, "pairing_renewed", term_ends_at=event.term_ends_at))


async def renewal_due(event: matching_contract.RenewalDue, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "renewal_due", term_ends_at=event.term_ends_at))


async def answer_due(event: matching_contract.AnswerDue, uow: UnitOfWork) -> None:
    """Only whoever has yet to answer is reminded: the other has answered already (or may still, where either's
    acceptance is enough, and is reminded too). Whom this lapse would pause is warned (version 2 says who)."""
    reminded = [told for told in _both_sides(event, "answer_due", answer_by=event.answer_by,
                                             requested=event.requested_by_mentee)
                if told.parameters["role"] in event.awaiting]
    for told in reminded:
        if told.parameters["role"] in getattr(event, "paused_if_it_lapses", []):
            told.parameters["pauses_if_it_lapses"] = True
    await _tell(uow, *reminded)


async def stopped_answering(event: matching_contract.StoppedAnswering, uow: UnitOfWork) -> None:
    """Whoever stopped answering, mentor or mentee, is told alone they are paused, and how to resume: each lapse was
    told on its own already, and the other side of the last one has nothing to do."""
    paused = event.mentor_id if event.role == Role.MENTOR else event.mentee_id
    await _tell(uow, Notification.answering(event.event_id, paused, event.chapter_id, "mentoring_paused",
                                            role=event.role.value, program_id=event.program_id,
                                            unanswered_in_a_row=event.unanswered_in_a_row))


async def meeting_overdue(event: matching_contract.MeetingOverdue, uow: UnitOfWork) -> None:
    await _tell(uow, *_both_sides(event, "meeting_overdue", days_overdue=event.days_overdue,
                                  last_met_at=event.last_met_at))


async def pairing_completed(event: matching_contract.PairingCompleted, uow: UnitOfWork) -> None:
    await _pairing_changed(uow, event, STALE_ONCE_OVER, *_both_sides(event, "feedback_request"), over=True)


async def mentee_waitlisted(event: matching_contract.MenteeWaitlisted, uow: UnitOfWork) -> None:
    """The mentee is told their place; one put back by a pairing's closing (version 4 names it) is told it after the
    closing, which travels on another topic and may arrive later (`dispatch.FOLLOWS_A_CLOSING`)."""
    after = event.after_pairing_id if isinstance(event, matching_contract.MenteeWaitlistedV4) else None
    async with uow:
        kind = pairing_kind_of(event)
        # Read after the pairing that followed it (another topic): the mentee is no longer waiting.
        if await uow.notifications.mark_waiting(event.mentee_id, event.program_id, kind, event.occurred_at):
            await uow.notifications.add(Notification.answering(
                event.event_id, event.mentee_id, event.chapter_id, "mentee_waitlisted",
                program_id=event.program_id, position=event.position, pairing_kind=kind, after_pairing_id=after))
        await uow.commit()


# --- events --------------------------------------------------------------------------------------------------


async def _save_listing(event: events_contract._EventDetails, uow: UnitOfWork) -> None:
    await uow.notifications.save_listing(
        scheduled_event_id=event.scheduled_event_id, chapter_id=event.chapter_id, title=one_line(event.title) or "",
        starts_at=event.starts_at, ends_at=event.ends_at, timezone=event.timezone,
        location=one_line(event.location, 300), is_virtual=event.is_virtual,
        attendees_public=getattr(event, "attendees_public", None),  # said from event_published v3, event_updated v4
    )


async def event_published(event: events_contract.EventPublished, uow: UnitOfWork) -> None:
    async with uow:
        await _save_listing(event, uow)
        await uow.commit()


async def event_restated(event: events_contract.EventRestated, uow: UnitOfWork) -> None:
    """What the catalogue says of the event now (`python -m events restate catalogue`), for a database that lacks its
    history: applied as it stands, whether its attendees are public included; nobody is told anything by it. A
    cancellation it says is dated by the restatement, the latest it can have been."""
    async with uow:
        await _save_listing(event, uow)
        await uow.notifications.note_revision(event.scheduled_event_id, event.revision)
        if event.state == "cancelled":
            await uow.notifications.note_cancellation(event.scheduled_event_id, event.occurred_at, event.revision)
        await uow.commit()


def _event_updated(update_id: UUID, person_id: UUID, chapter_id: UUID | None, scheduled_event_id: UUID,
                   registration_id: UUID, changed_fields: list[str], status: str, before: dict) -> Notification:
    # The registration finds a seat holder's join link, which the updated calendar entry must keep.
    return Notification.answering(update_id, person_id, chapter_id, "event_updated",
                                  scheduled_event_id=scheduled_event_id, registration_id=registration_id,
                                  changed_fields=changed_fields, holds_seat=status in HOLDS_A_SEAT, before=before)


def _before(listing: dict | None) -> dict:
    """What an update changed from, as the listing had it: to say 'it was …'."""
    if not listing:
        return {}
    return {"title": listing["title"], "location": listing["location"],
            "starts_at": listing["starts_at"].isoformat(), "ends_at": listing["ends_at"].isoformat()}


async def event_updated(event: events_contract.EventUpdated, uow: UnitOfWork) -> None:
    """Registrants hear of what concerns them (time, place, title...), not of a new capacity or deadline."""
    async with uow:
        before = _before(await uow.notifications.listing(event.scheduled_event_id))
        await _save_listing(event, uow)
        changed = concerning_attendees(event.changed_fields)
        await uow.notifications.note_update(event.scheduled_event_id, event.event_id, event.occurred_at, changed,
                                            getattr(event, "revision", None))
        if changed:
            await uow.notifications.add_all([
                _event_updated(event.event_id, person, event.chapter_id, event.scheduled_event_id, registration,
                               changed, status, before)
                for person, registration, status in await uow.notifications.registrants(event.scheduled_event_id)])
        await uow.commit()


def _event_cancelled(scheduled_event_id: UUID, person_id: UUID, chapter_id: UUID | None, registration_id: UUID,
                     held_seat: bool) -> Notification:
    # Keyed by the scheduled event, not the message: the cancellation reaches a registrant both as
    # EventCancelled and as their RegistrationCancelled, on two topics in either order, and is told once.
    # Only a seat holder has the event in their calendar, for the cancellation to take out.
    return Notification.answering(scheduled_event_id, person_id, chapter_id, "event_cancelled",
                                  scheduled_event_id=scheduled_event_id, registration_id=registration_id,
                                  held_seat=held_seat)


async def event_cancelled(event: events_contract.EventCancelled, uow: UnitOfWork) -> None:
    """Each registrant is told, with the organizers' note (version 4) quoted from the listing when it is composed."""
    async with uow:
        await uow.notifications.note_cancellation(event.scheduled_event_id, event.occurred_at,
                                                  getattr(event, "revision", None), getattr(event, "note", None))
        await uow.notifications.add_all([
            _event_cancelled(event.scheduled_event_id, person, event.chapter_id, registration, status in HOLDS_A_SEAT)
            for person, registration, status in await uow.notifications.registrants(event.scheduled_event_id)])
        await uow.commit()


# Registrations of an event whose attendees are kept private, read on the restricted topic (events.attendees).
PRIVATE_REGISTRATIONS = private_twins(keeping="attendees")


async def _note_whether_attendees_public(event: events_contract._RegistrationEvent, uow: UnitOfWork) -> None:
    """A registration on the public topic says the event's attendees are public, and so its name may be said in a
    subject (`adapters.messages`); its private twin says nothing new: an event counts as private until then."""
    if not isinstance(event, PRIVATE_REGISTRATIONS):
        await uow.notifications.note_attendees_public(event.scheduled_event_id)


async def registration_restated(event: events_contract.RegistrationRestated, uow: UnitOfWork) -> None:
    """A registration as events holds it now (`python -m events restate registrations`), for a database that lacks
    its history: its person is one of the event's registrants again, as it says, for what the event's changes, its
    cancellation and its organizers' messages tell them; nobody is told anything by it."""
    async with uow:
        await _note_whether_attendees_public(event, uow)
        await uow.notifications.save_registration(event.registration_id, event.scheduled_event_id, event.person_id,
                                                  event.status)
        await uow.commit()


def _once_begun(event: IntegrationEvent, listing: Row | None) -> bool:
    """Whether it happened once the event had begun, as the catalogue of events says when it starts (unknown: not)."""
    return bool(listing and listing.get("starts_at") and event.occurred_at >= listing["starts_at"])


async def _registration(event: events_contract._RegistrationEvent, uow: UnitOfWork, status: str, kind: str,
                        door_once_begun: bool = False, **parameters: object) -> None:
    async with uow:
        await _note_whether_attendees_public(event, uow)
        await uow.notifications.save_registration(event.registration_id, event.scheduled_event_id, event.person_id,
                                                  status)
        # The event's own topic may have been read further than this one: an update or a cancellation that
        # happened after this registration was not sent to this registrant then, so it is now.
        listing = await uow.notifications.listing(event.scheduled_event_id) or {}
        if door_once_begun and _once_begun(event, listing):
            parameters["at_the_door"] = True
        if listing.get("cancelled_at") and event.occurred_at < listing["cancelled_at"]:
            await uow.notifications.add(_event_cancelled(event.scheduled_event_id, event.person_id, event.chapter_id,
                                                         event.registration_id, status in HOLDS_A_SEAT))
        else:
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, event.chapter_id, kind, scheduled_event_id=event.scheduled_event_id,
                registration_id=event.registration_id, **parameters))
            if (listing.get("last_updated_at") and event.occurred_at < listing["last_updated_at"]
                    and listing["changed_fields"]):
                # What it changed from is not known any more: the message says what it is now.
                await uow.notifications.add(_event_updated(listing["last_update_id"], event.person_id,
                                                           event.chapter_id, event.scheduled_event_id,
                                                           event.registration_id, listing["changed_fields"], status,
                                                           {}))
        await uow.commit()


async def registration_confirmed(event: events_contract.RegistrationConfirmed, uow: UnitOfWork) -> None:
    await _registration(event, uow, "confirmed", "registration_confirmed")


async def registration_waitlisted(event: events_contract.RegistrationWaitlisted, uow: UnitOfWork) -> None:
    await _registration(event, uow, "waitlisted", "registration_waitlisted", position=event.position)


async def registration_promoted(event: events_contract.RegistrationPromoted, uow: UnitOfWork) -> None:
    """Once an event has begun nobody is promoted by themselves: a seat then was given at the door, said so."""
    await _registration(event, uow, "promoted", "registration_promoted", door_once_begun=True)


async def registration_cancelled(event: events_contract.RegistrationCancelled, uow: UnitOfWork) -> None:
    """The registrant who cancelled gets a confirmation; one an organizer removed is told so; one whose event was
    cancelled hears it once (see `event_cancelled`). A calendar entry sent before is cancelled with it."""
    async with uow:
        await _note_whether_attendees_public(event, uow)
        held_seat = await uow.notifications.registration_status(event.registration_id) in HOLDS_A_SEAT
        await uow.notifications.save_registration(event.registration_id, event.scheduled_event_id, event.person_id,
                                                  "cancelled")
        if event.cancelled_by == "event_cancelled":
            await uow.notifications.add(_event_cancelled(event.scheduled_event_id, event.person_id, event.chapter_id,
                                                         event.registration_id, held_seat))
        elif getattr(event, "removed_by_organiser", False):
            pass  # RegistrantRemoved (events.access) tells them, with the organizer's reason: see `registrant_removed`
        elif event.cancelled_by == "registrant":
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, event.chapter_id, "registration_cancelled",
                scheduled_event_id=event.scheduled_event_id, registration_id=event.registration_id,
                held_seat=held_seat))
        else:
            await uow.notifications.add(await _removed(event, uow, held_seat=held_seat))
        await uow.commit()


async def registrant_removed(event: events_contract.RegistrantRemoved, uow: UnitOfWork) -> None:
    """An organizer removed the registrant: they are told so, with the organizer's reason when one was given (it
    comes on the restricted topic, never the public one). A calendar entry sent before is cancelled with it."""
    async with uow:
        await uow.notifications.add(await _removed(event, uow, held_seat=event.held_seat, reason=event.reason))
        await uow.commit()


async def _removed(event: events_contract.RegistrationCancelled | events_contract.RegistrantRemoved, uow: UnitOfWork,
                   **parameters: object) -> Notification:
    """The registrant an organizer removed is told so; once the event has begun (a seat released at the door), most
    likely late and at its door, they are sent to its organizers there."""
    if _once_begun(event, await uow.notifications.listing(event.scheduled_event_id)):
        parameters["once_begun"] = True
    return Notification.answering(event.event_id, event.person_id, event.chapter_id, "registration_removed",
                                  scheduled_event_id=event.scheduled_event_id,
                                  registration_id=event.registration_id, **parameters)


async def waitlist_closed(event: events_contract.WaitlistClosed, uow: UnitOfWork) -> None:
    """The event took place with the registrant still waiting (read in order with their registration's events)."""
    async with uow:
        await _note_whether_attendees_public(event, uow)
        if await uow.notifications.registration_status(event.registration_id) == "waitlisted":
            await uow.notifications.save_registration(event.registration_id, event.scheduled_event_id,
                                                      event.person_id, "waitlist_closed")
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, event.chapter_id, "waitlist_closed",
                scheduled_event_id=event.scheduled_event_id, registration_id=event.registration_id))
        await uow.commit()


async def virtual_access_granted(event: events_contract.VirtualAccessGranted, uow: UnitOfWork) -> None:
    """Keep the link; if the confirmation has already gone without it, send the link on its own, saying so when it
    replaces one they were given (organizers changed it: their calendar entry moves to it too)."""
    join_url = event.join_url.strip()
    async with uow:
        if isinstance(event, events_contract.VirtualAccessGrantedV3):
            # Its calendar copy outranks the copies before the change, even read before the catalogue's update.
            await uow.notifications.note_revision(event.scheduled_event_id, event.revision)
        given = await uow.notifications.access_link(event.registration_id)
        await uow.notifications.save_access_link(event.registration_id, event.scheduled_event_id, event.person_id,
                                                 join_url)
        # Locking the confirmation's row orders this against the dispatcher's claim: either the confirmation is
        # still pending (and will carry the link) or it was claimed without it (and the link goes on its own).
        status = await uow.notifications.seat_notification_status(event.registration_id)
        if status not in (None, "pending"):
            listing = await uow.notifications.listing(event.scheduled_event_id)
            changed = {"replaces_earlier": True} if given not in (None, join_url) else {}
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, listing["chapter_id"] if listing else None, "join_link",
                scheduled_event_id=event.scheduled_event_id, registration_id=event.registration_id, **changed))
        await uow.commit()


async def reminder_due(event: events_contract.ReminderDue, uow: UnitOfWork) -> None:
    async with uow:
        listing = await uow.notifications.listing(event.scheduled_event_id) or {}
        if (await uow.notifications.registration_status(event.registration_id) != "cancelled"
                and not listing.get("cancelled_at")):
            # The start it reminds of: the day its inbox item names once it no longer holds (`inbox_composer`).
            await uow.notifications.add(Notification.answering(
                event.event_id, event.person_id, event.chapter_id, "event_reminder",
                scheduled_event_id=event.scheduled_event_id, registration_id=event.registration_id,
                starts_at=event.starts_at))
        await uow.commit()


# --- office hours --------------------------------------------------------------------------------------------


def _booking_id(event: events_contract._OfficeHoursEvent) -> UUID:
    """The booking's id; versions before 3 did not say it: one derived from the slot, booker and time, alike for
    the booking and its cancellation."""
    named = getattr(event, "booking_id", None)
    return named or uuid5(event.slot_id, f"{event.person_id}:{event.starts_at.isoformat()}")


def _sides(event: events_contract._OfficeHoursEvent) -> tuple[tuple[UUID, UUID, str], tuple[UUID, UUID, str]]:
    """(person, the other side, role) for the participant, then the host."""
    return ((event.person_id, event.host_id, "participant"), (event.host_id, event.person_id, "host"))


async def office_hours_booked(event: events_contract.OfficeHoursBooked, uow: UnitOfWork) -> None:
    """A confirmation to the participant and to the host, each with the calendar entry, and a reminder to both a
    day before (or an hour before, if booked later than that)."""
    await _booking_held(event, uow, confirmed=True)


async def office_hours_booking_restated(event: events_contract.OfficeHoursBookingRestated, uow: UnitOfWork) -> None:
    """A booking as events holds it now (`python -m events restate office-hours`), for a database that lacks its
    history: known again, and its reminders to come (once: each is keyed by the booking); no second confirmation."""
    await _booking_held(event, uow, confirmed=False)


async def _booking_held(event: events_contract._OfficeHoursEvent, uow: UnitOfWork, *, confirmed: bool) -> None:
    booking_id = _booking_id(event)
    async with uow:
        await uow.notifications.save_booking(
            booking_id=booking_id, slot_id=event.slot_id, host_id=event.host_id, person_id=event.person_id,
            chapter_id=event.chapter_id, starts_at=event.starts_at, ends_at=event.ends_at,
            is_virtual=getattr(event, "is_virtual", True), location=one_line(getattr(event, "location", None), 300))
        now = max(event.occurred_at, datetime.now(UTC))
        if event.starts_at <= now:
            await uow.commit()  # read late (a new subscription reads the topic from its start): nothing to tell
            return
        remind_at = reminder_time(event.starts_at, now)
        for (person, other, role), kind in zip(_sides(event), ("office_hours_booked", "office_hours_booked_host"),
                                               strict=True):
            about: dict[str, object] = dict(booking_id=booking_id, partner_id=other, role=role, host_id=event.host_id)
            if confirmed:
                await uow.notifications.add(Notification.answering(event.event_id, person, event.chapter_id, kind,
                                                                   **about))
            if remind_at is not None:
                await uow.notifications.add(Notification.answering(
                    booking_id, person, event.chapter_id, "office_hours_reminder", **about).not_before(remind_at))
        await uow.commit()


async def office_hours_booking_cancelled(event: events_contract.OfficeHoursBookingCancelled,
                                         uow: UnitOfWork) -> None:
    """Both sides are told (its reminders go unsent); when one side left the platform, only the other, without
    naming them nor keeping their id. The cancellation says when it was: the booking's row goes with the side who
    erased their account, maybe before the other side's cancellation has gone."""
    booking_id = _booking_id(event)
    reason = getattr(event, "reason_code", "cancelled")
    gone = event.cancelled_by if reason == ERASED else None  # the side that left the platform
    async with uow:
        booking = await uow.notifications.booking(booking_id)
        # Its calendar entry was sent again at each change of its link: the cancellation outranks every copy, also
        # once the booking's row has gone with a side who erased their account before it was sent.
        links_replaced = (booking or {}).get("links_replaced") or 0
        await uow.notifications.note_booking_cancelled(booking_id, event.occurred_at)
        # Its reminders are not left waiting to go until their day (the console lists them so), nor is anything else
        # about it not sent yet.
        await uow.notifications.withdraw_unsent([event.person_id, event.host_id], BOOKING_HELD_KINDS,
                                                {"booking_id": str(booking_id)})
        if event.starts_at <= max(event.occurred_at, datetime.now(UTC)):
            await uow.commit()  # nothing to take out of a calendar any more
            return
        for person, other, role in _sides(event):
            if role == gone:
                continue  # the side that left is told nothing, and the other is not told who they were
            about: dict[str, object] = dict(booking_id=booking_id, role=role, cancelled_by=event.cancelled_by,
                                            reason_code=reason, starts_at=event.starts_at, ends_at=event.ends_at)
            if links_replaced:
                about["links_replaced"] = links_replaced
            if gone is None:
                about["partner_id"] = other
            if gone != "host":
                about["host_id"] = event.host_id
            await uow.notifications.add(Notification.answering(event.event_id, person, event.chapter_id,
                                                               "office_hours_cancelled", **about))
        await uow.commit()


async def office_hours_link_given(event: events_contract.OfficeHoursLinkGiven, uow: UnitOfWork) -> None:
    """The participant is told the host gave (or changed) the link to join, and where to find it: the link itself is
    the events service's to show. Nothing once the office hour is over; a booking cancelled meanwhile is not told
    (`model.BOOKING_HELD_KINDS`)."""
    if event.ends_at <= max(event.occurred_at, datetime.now(UTC)):
        return  # read late (a new subscription reads the topic from its start): nothing to tell
    async with uow:
        if event.replaces_earlier:  # counted: its message sends the booking's calendar entry again, a SEQUENCE above
            await uow.notifications.note_link_replaced(event.booking_id)
        await uow.notifications.add(Notification.answering(
            event.event_id, event.person_id, event.chapter_id, "office_hours_link_given", booking_id=event.booking_id,
            partner_id=event.host_id, role="participant", host_id=event.host_id,
            replaces_earlier=event.replaces_earlier))
        await uow.commit()


async def _tell(uow: UnitOfWork, *notifications: Notification) -> None:
    async with uow:
        for notification in notifications:
            await uow.notifications.add(notification)
        await uow.commit()


# --- commands from the API -----------------------------------------------------------------------------------


async def change_preferences(command: commands.ChangePreferences, uow: UnitOfWork) -> Preferences:
    """Raises UnknownPerson for someone notifications has not heard of, CannotOptOut for a category that answers the
    person's own actions."""
    async with uow:
        if not await uow.notifications.is_known(command.person_id):
            raise UnknownPerson()
        preferences = await uow.notifications.preferences(command.person_id)
        for category, opted_out in command.opt_outs.items():
            preferences = preferences.opting_out(category, opted_out)
        if command.daily_digest is not None:
            preferences = preferences.with_digest(command.daily_digest)
        await uow.notifications.save_preferences(command.person_id, preferences)
        await uow.commit()
    return preferences


async def unsubscribing(command: commands.Unsubscribe, uow: UnitOfWork) -> tuple[UUID, Category]:
    """Whose link it is and the category it stops (nothing changes): raises LinkNoLongerWorks once the message and
    its reader are gone."""
    if command.notification_id is None:
        assert command.person_id is not None and command.category is not None
        return command.person_id, command.category
    async with uow:
        owner = await uow.notifications.notification_owner(command.notification_id)
    if owner is None:
        raise LinkNoLongerWorks()
    person_id, kind = owner
    return person_id, KINDS[kind].category


async def unsubscribe(command: commands.Unsubscribe, uow: UnitOfWork) -> tuple[UUID, Category]:
    """Opt the link's reader out of its category (a one-click POST, RFC 8058)."""
    person_id, category = await unsubscribing(command, uow)
    await change_preferences(commands.ChangePreferences(person_id, {category: True}), uow)
    return person_id, category


async def mark_read(command: commands.MarkRead, uow: UnitOfWork) -> None:
    """Raises NotInInbox when the person has no such notification."""
    async with uow:
        if not await uow.notifications.mark_read(command.person_id, command.notification_id):
            raise NotInInbox()
        await uow.commit()


# Whether the staff member may act on a chapter's emails (None: a person of no chapter).
MayAct = Callable[[UUID | None], bool]


async def send_again(command: commands.SendAgain, staff: Principal, may_act: MayAct, uow: UnitOfWork) -> Row:
    """An email that failed or may not have arrived is due again, with fresh tries; its delivery as it now stands.
    Audited. Raises NoSuchDelivery, NotYourChapters, NothingToSendAgain, LinkNotKept or AddressNotKept
    (`check_sendable_again`)."""
    async with uow:
        again = await _sent_again(command.notification_id, staff, may_act, uow)
        await uow.commit()
    return again


async def send_all_again(command: commands.SendAllAgain, staff: Principal, may_act: MayAct, uow: UnitOfWork
                         ) -> tuple[list[Row], list[UUID]]:
    """Each of these emails that failed or may not have arrived is due again (after an SMTP outage, say), in one
    transaction: those sent again, and those skipped (gone, sent again or arrived since, an email change). Raises
    NotYourChapters, and nothing is sent again, when any of them is not the staff member's to send."""
    sent: list[Row] = []
    skipped: list[UUID] = []
    async with uow:
        for notification_id in sorted(set(command.notification_ids)):  # locked in one order: no deadlock
            try:
                sent.append(await _sent_again(notification_id, staff, may_act, uow))
            except (NoSuchDelivery, NothingToSendAgain, LinkNotKept, AddressNotKept):
                skipped.append(notification_id)
        await uow.commit()
    return sent, skipped


async def _sent_again(notification_id: UUID, staff: Principal, may_act: MayAct, uow: UnitOfWork) -> Row:
    delivery = await uow.notifications.delivery(notification_id)
    if delivery is None:
        raise NoSuchDelivery()
    if not may_act(delivery["chapter_id"]):
        raise NotYourChapters()
    check_sendable_again(delivery["kind"], delivery["status"])
    again = await uow.notifications.send_again(notification_id, staff.person_id)
    assert again is not None  # the row is locked, and was failed or unconfirmed
    uow.audit(staff, "email.sent_again", "notification", notification_id, chapter_id=delivery["chapter_id"],
              detail={"person_id": str(delivery["person_id"]), "kind": delivery["kind"],
                      "status": delivery["status"]})
    return again


async def message_registrants(command: commands.MessageRegistrants, staff: Principal, may_act: MayAct,
                              uow: UnitOfWork, now: datetime) -> tuple[Row, bool]:
    """An organizer's message to the event's registrants (those with a seat, or the waitlist too): one notification
    each, recorded with the message in one transaction; a suspended account gets none, nor an erased one (its
    registrations are gone). Audited. The same message_id again is that message, nothing sent again: (it, False).
    Raises MessageBodyInvalid, UnknownEvent, NotYourEvent (`check_organiser`), MessageIdTaken, EventCancelled or
    TooManyMessages (`check_may_message`)."""
    body = organisers_words(command.body)
    event_id = command.scheduled_event_id
    async with uow:
        listing = await uow.notifications.listing_to_message(event_id)
        check_organiser(listing, may_act)
        assert listing is not None
        earlier = await uow.notifications.event_message(command.message_id)
        if earlier is not None:
            if earlier["scheduled_event_id"] != event_id:
                raise MessageIdTaken()
            return earlier, False
        check_may_message(len(await uow.notifications.event_messages(event_id, since=now - MESSAGES_WINDOW)),
                          cancelled=listing["cancelled_at"] is not None)
        # One message each, whatever registrations they hold; one who only waits is reminded they hold no seat.
        statuses: dict[UUID, set[str]] = {}
        for person, _, status in await uow.notifications.registrants(event_id):
            if command.to.include(status):
                statuses.setdefault(person, set()).add(status)
        people = list(statuses)
        suspended = await uow.notifications.suspended_of(people)
        told = [Notification.answering(command.message_id, person, listing["chapter_id"], "organiser_message",
                                       scheduled_event_id=event_id, body=body,
                                       **({"waiting": True} if statuses[person].isdisjoint(HOLDS_A_SEAT) else {}))
                for person in people if person not in suspended]
        message: Row = {"message_id": command.message_id, "scheduled_event_id": event_id, "body": body,
                        "to": command.to.value, "recipients": len(told), "sent_by": staff.person_id, "sent_at": now}
        if not await uow.notifications.save_event_message(message):
            raise MessageIdTaken()  # by a request for another event that committed while this one looked
        await uow.notifications.add_all(told)
        uow.audit(staff, "event.messaged", "scheduled_event", event_id, chapter_id=listing["chapter_id"],
                  detail={"message_id": str(command.message_id), "to": command.to.value, "recipients": len(told)})
        await uow.commit()
    return message, True
