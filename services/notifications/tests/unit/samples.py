"""Every kind of message, as people receive them: a story told with the contract events other services publish,
recorded by the real handlers, given their context by the dispatcher's `context_for` and rendered by the real
renderer, in English or Spanish, read in Los Angeles about things happening in Chicago.

`gallery(language)` returns (notification, context, email) for every message of the story; `KINDS_TOLD` lists the
kinds it tells, so a test fails when a kind is added that the gallery does not show.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from mentorship_contracts import events as ev
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.email import Renderer
from notifications.adapters.links import Links
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.domain import commands
from notifications.domain.model import Email, Notification, Recipients
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, Obsolete, compose_digests, context_for
from plumbing.auth import Principal, Role
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeNotifications

WEB = "https://app.mentorship.example"
MAIL_FROM = "Mentorship platform <no-reply@mentorship.example>"
TOKENS = UnsubscribeTokens("gallery-secret-of-thirty-two-bytes!")

# The clock while the story is told: Wednesday 3 March 2027, 9:00 in Los Angeles.
NOW = datetime(2027, 3, 3, 17, tzinfo=UTC)
READER_ZONE = "America/Los_Angeles"
EVENT_ZONE = "America/Chicago"
# Thursday 4 March 2027: 3:30 PM in Los Angeles, 5:30 PM in Chicago, 11:30 PM in UTC.
STARTS = datetime(2027, 3, 4, 23, 30, tzinfo=UTC)


def _id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"gallery/{name}")


@dataclass(frozen=True)
class Rendered:
    notification: Notification
    context: dict
    email: Email

    @property
    def kind(self) -> str:
        return self.notification.kind

    @property
    def label(self) -> str:
        role = self.notification.parameters.get("role")
        return f"{self.kind}{f'/{role}' if role else ''}/{self.notification.person_id.hex[:6]}"


def renderer() -> Renderer:
    return Renderer(Links(WEB), TOKENS, MAIL_FROM, clock=lambda: NOW)


def _at(moment: datetime, event):
    return event.model_copy(update={"occurred_at": moment})


async def _story(uow: FakeUnitOfWork, language: str) -> None:
    n = uow.notifications
    n.clock = lambda: NOW
    chapter = pr.ChapterDefinedV2(chapter_id=_id("chapter"), name="Boston chapter")
    program = pr.ProgramDefinedV3(program_id=_id("program"), chapter_id=chapter.chapter_id, name="Into Medical School",
                                  mentee_stages=["undergraduate"], mentor_stages=["resident"], cadence_min_days=14,
                                  cadence_max_days=21, pairing_kinds=["general", "clinical"])
    people = {
        "sam": dict(display_name="Sam Okafor", email="sam.okafor@example.org", timezone=READER_ZONE,
                    identity_for_partner={"gender_identity": "Nonbinary"}),
        "ana": dict(display_name="Ana Reyes", email="ana.reyes@example.org", timezone=EVENT_ZONE,
                    pronouns_for_partner="she/her",
                    bio_for_partner="Emergency medicine resident. First in my family to go to college.",
                    identity_for_partner={"race_ethnicity": "Afro-Latina", "first_generation": "Yes"}),
        "lee": dict(display_name="Dr. Lee Chen", email="lee.chen@example.org", timezone=EVENT_ZONE),
        "kim": dict(display_name="Kim Park", email="kim.park@example.org", timezone=READER_ZONE),
    }
    for name, details in people.items():
        await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
            person_id=_id(name), chapter_id=chapter.chapter_id, preferred_language=language, **details), uow)
    await handlers.chapter_defined(chapter, uow)
    await handlers.program_defined(program, uow)
    sam, ana, lee, kim = (_id(name) for name in people)

    # --- accounts and mentorships ---
    await handlers.person_registered(pr.PersonRegisteredV2(person_id=sam, chapter_id=chapter.chapter_id,
                                                           stage="undergraduate"), uow)
    await handlers.mentor_approved(pr.MentorApprovedV2(enrollment_id=_id("ana-enrollment"), person_id=ana,
                                                       program_id=program.program_id, chapter_id=chapter.chapter_id),
                                   uow)
    # Lee offered to mentor in the program too; the coordinator did not approve them there.
    await handlers.mentor_suspended(pr.MentorSuspendedV3(enrollment_id=_id("lee-enrollment"), person_id=lee,
                                                         program_id=program.program_id,
                                                         chapter_id=chapter.chapter_id, was_approved=False), uow)
    # Kim is made a coordinator of the chapter: the console is open to her now.
    await handlers.staff_roles_changed(pr.StaffRolesChangedV2(person_id=kim, role="coordinator", granted=True,
                                                              chapter_id=chapter.chapter_id), uow)
    # A mentor of the program reported their mentee for a problem of conduct: Kim is asked to look into it (whom, the
    # console shows).
    await handlers.review_asked(pr.ReviewAsked(person_id=kim, program_id=program.program_id,
                                               chapter_id=chapter.chapter_id, role="mentee",
                                               review_reason="conduct_reported"), uow)
    # A mentor joined the program, which vets its mentors: Kim is asked to approve them (once that day).
    await handlers.review_asked(pr.ReviewAsked(person_id=kim, program_id=program.program_id,
                                               chapter_id=chapter.chapter_id, role="mentor",
                                               review_reason="approval_awaited"), uow)
    # Kim looked into it and resumed Sam, whom an earlier mentor of the program had reported: Sam can be paired again.
    await handlers.enrollment_changed(pr.EnrollmentChangedV4(
        enrollment_id=_id("sam-enrollment"), person_id=sam, program_id=program.program_id,
        chapter_id=chapter.chapter_id, role="mentee", stage="undergraduate", changed_fields=["paused", "review_reason"],
        paused=False), uow)
    # Lee, suspended a while, is reinstated: told they can sign in again, and nothing of why.
    await handlers.person_suspended(_at(NOW - timedelta(days=2), pr.PersonSuspended(person_id=lee)), uow)
    await handlers.person_reinstated(_at(NOW, pr.PersonReinstated(person_id=lee)), uow)
    # Sam asks to use another address: the link to confirm it goes there alone.
    await handlers.email_change_requested(pr.EmailChangeRequested(
        person_id=sam, chapter_id=chapter.chapter_id, display_name="Sam Okafor", new_email="sam@okafor.example.net",
        confirmation_path=pr.email_confirmation_path("Tq3vX9-single-use"), expires_at=NOW + timedelta(hours=24),
        timezone=READER_ZONE, preferred_language=language), uow)
    # Kim confirmed another address: the one it replaces is told, in case it was not her.
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=kim, chapter_id=chapter.chapter_id, preferred_language=language,
        **{**people["kim"], "email": "kim@park.example.net"}), uow)
    pair = dict(program_id=program.program_id, chapter_id=chapter.chapter_id, mentee_id=sam, mentor_id=ana)
    term_ends = datetime(2028, 3, 3, 17, tzinfo=UTC)
    await handlers.mentee_waitlisted(_at(NOW - timedelta(days=9), ma.MenteeWaitlistedV3(
        enrollment_id=_id("sam-enrollment"), program_id=program.program_id, chapter_id=chapter.chapter_id,
        mentee_id=sam, position=2, pairing_kind="clinical")), uow)
    # It went out then, nine days before the pairing that took Sam off the waitlist.
    for row in n.rows.values():
        if row["n"].kind == "mentee_waitlisted":
            row["status"] = "sent"
    await handlers.pairing_proposed(ma.PairingProposedV6(**pair, pairing_id=_id("proposed"), score=82,
                                                         reason_codes=["specialty_overlap", "near_peer"],
                                                         pairing_kind="clinical", answer_by=NOW + timedelta(days=14)),
                                    uow)
    # Neither has answered it eleven days on: both are reminded by when (a mentee's request would remind the mentor).
    # The mentor let the last one lapse unanswered: they are warned this one would pause them.
    await handlers.answer_due(ma.AnswerDueV2(**pair, pairing_id=_id("proposed"), answer_by=NOW + timedelta(days=3),
                                             awaiting=["mentee", "mentor"], requested_by_mentee=False,
                                             paused_if_it_lapses=["mentor"]), uow)
    await handlers.pairing_confirmed(_at(NOW - timedelta(days=1), ma.PairingConfirmedV3(
        **pair, pairing_id=_id("confirmed"), score=82, term_ends_at=term_ends, pairing_kind="clinical")), uow)
    await handlers.pairing_confirmed(ma.PairingConfirmedV3(**{**pair, "mentee_id": kim}, pairing_id=_id("kim-pair"),
                                                           score=75, term_ends_at=term_ends), uow)
    confirmed = dict(pair, pairing_id=_id("confirmed"))
    await handlers.meeting_overdue(ma.MeetingOverdueV2(**confirmed, last_met_at=NOW - timedelta(days=40),
                                                       days_overdue=19), uow)
    await handlers.renewal_due(ma.RenewalDueV2(**confirmed, term_ends_at=term_ends), uow)
    # Kim and Ana renew their mentorship, then complete it (a renewal or a completion of Sam's would make his
    # nudges stale, and they would not be sent).
    kims_pair = dict(pair, mentee_id=kim, pairing_id=_id("kim-pair"))
    await handlers.pairing_renewed(ma.PairingRenewedV2(**kims_pair, term_ends_at=term_ends + timedelta(days=365)),
                                   uow)
    await handlers.pairing_completed(ma.PairingCompletedV2(**kims_pair), uow)
    await handlers.pairing_declined(ma.PairingDeclinedV2(**pair, pairing_id=_id("declined"), declined_by="mentor",
                                                         reason_code="no_capacity"), uow)
    # A coordinator withdrew a proposal to Kim and Ana, proposing Kim another mentor instead.
    await handlers.pairing_declined(ma.PairingDeclinedV3(**kims_pair | {"pairing_id": _id("withdrawn")},
                                                         declined_by=None, declined_by_program=True,
                                                         reason_code="reassigned"), uow)
    # A mentorship proposed to Kim and Ana lapsed, neither answering it: the second in a row each let lapse (each lapse
    # told on its own, not in this story), so both are paused, each told alone.
    for role, enrollment in (("mentor", "ana-enrollment"), ("mentee", "kim-enrollment")):
        await handlers.stopped_answering(ma.StoppedAnswering(**kims_pair | {"pairing_id": _id("lapsed")}, role=role,
                                                             enrollment_id=_id(enrollment), unanswered_in_a_row=2), uow)
    await handlers.pairing_ended(ma.PairingEndedV2(**pair, pairing_id=_id("ended"), ended_by="mentee",
                                                   reason_code="schedule"), uow)
    # A mentee of Ana's erased their account: Ana is told, without their name.
    gone = _id("gone")
    await handlers.pairing_ended(ma.PairingEndedV2(**{**pair, "mentee_id": gone}, pairing_id=_id("gone-pair"),
                                                   ended_by="mentee", reason_code="person_erased"), uow)
    await handlers.person_erased(pr.PersonErasedV2(person_id=gone), uow)

    # --- events: an in-person workshop in Chicago and a virtual session ---
    workshop = ev.EventPublishedV2(
        scheduled_event_id=_id("workshop"), chapter_id=chapter.chapter_id, kind="workshop",
        title="Personal statements that sound like you", starts_at=STARTS, ends_at=STARTS + timedelta(hours=1, minutes=30),
        timezone=EVENT_ZONE, capacity=2, audience_stages=["undergraduate"], registration_deadline=STARTS,
        is_virtual=False, location="Student centre, room 2, 1200 S Halsted St")
    session = ev.EventPublishedV2(**{**workshop.model_dump(exclude={"event_id", "event_type", "schema_version"}),
                                     "scheduled_event_id": _id("session"), "kind": "virtual_session",
                                     "title": "Applying to medical school as a first-generation student",
                                     "is_virtual": True, "location": None,
                                     "starts_at": STARTS + timedelta(days=7), "ends_at": STARTS + timedelta(days=7, hours=1)})
    for listed in (workshop, session):
        await handlers.event_published(_at(NOW - timedelta(days=20), listed), uow)

    def registration(person: UUID, event, name: str) -> dict:
        return dict(registration_id=_id(name), scheduled_event_id=event.scheduled_event_id,
                    chapter_id=chapter.chapter_id, person_id=person)

    early = NOW - timedelta(days=10)
    await handlers.registration_confirmed(_at(early, ev.RegistrationConfirmedV2(**registration(sam, workshop, "r1"))),
                                          uow)
    await handlers.registration_confirmed(_at(early, ev.RegistrationConfirmedV2(**registration(ana, workshop, "r2"))),
                                          uow)
    await handlers.registration_waitlisted(_at(early, ev.RegistrationWaitlistedV2(
        **registration(kim, workshop, "r3"), position=1)), uow)
    await handlers.registration_confirmed(_at(early, ev.RegistrationConfirmedV2(**registration(sam, session, "r4"))),
                                          uow)
    # The confirmation went without its link (it came late): the link follows on its own.
    for row in n.rows.values():
        if row["n"].parameters.get("registration_id") == str(_id("r4")):
            row["status"] = "sent"
    await handlers.virtual_access_granted(ev.VirtualAccessGrantedV2(
        registration_id=_id("r4"), scheduled_event_id=session.scheduled_event_id, person_id=sam,
        join_url="https://meet.example.org/j/8312-first-gen"), uow)
    # The workshop moves to a later hour and another room, then its capacity grows (which tells nobody).
    moved = ev.EventUpdatedV3(**{**workshop.model_dump(exclude={"event_id", "event_type", "schema_version"}),
                                 "starts_at": STARTS + timedelta(hours=1), "ends_at": STARTS + timedelta(hours=2, minutes=30),
                                 "location": "Student centre, room 4, 1200 S Halsted St"},
                              changed_fields=["starts_at", "ends_at", "location"], revision=1)
    await handlers.event_updated(_at(NOW - timedelta(days=5), moved), uow)
    await handlers.event_updated(_at(NOW - timedelta(days=4), ev.EventUpdatedV3(
        **{**moved.model_dump(exclude={"event_id", "event_type", "schema_version", "changed_fields", "revision"}),
           "capacity": 3}, changed_fields=["capacity"], revision=2)), uow)
    await handlers.registration_cancelled(ev.RegistrationCancelledV2(**registration(ana, workshop, "r2"),
                                                                     cancelled_by="registrant"), uow)
    await handlers.registration_promoted(ev.RegistrationPromotedV2(**registration(kim, workshop, "r3")), uow)
    await handlers.reminder_due(ev.ReminderDueV2(**registration(sam, workshop, "r1"), starts_at=moved.starts_at), uow)
    # Its organizer writes to those with a seat, in their own words (English, whatever the reader's language).
    organizer = Principal(subject="carla", role=Role.COORDINATOR, person_id=_id("carla"),
                          chapter_ids=frozenset({chapter.chapter_id}))
    await handlers.message_registrants(commands.MessageRegistrants(
        workshop.scheduled_event_id, _id("message"), "The room has a new door code: 4711.\n\nBring a draft of your "
        "statement, printed or on a laptop.\nWe will read them in pairs.", Recipients.SEATED), organizer,
        organizer.coordinates, uow, NOW)
    # Another event: Kim is removed by the organizers, Sam waits until it has taken place.
    fair = ev.EventPublishedV2(**{**workshop.model_dump(exclude={"event_id", "event_type", "schema_version"}),
                                  "scheduled_event_id": _id("fair"), "kind": "career_fair",
                                  "title": "Spring career fair", "capacity": 1,
                                  "location": "Convention centre, hall B"})
    await handlers.event_published(_at(NOW - timedelta(days=20), fair), uow)
    await handlers.registration_confirmed(_at(early, ev.RegistrationConfirmedV2(**registration(kim, fair, "r5"))), uow)
    await handlers.registration_cancelled(ev.RegistrationCancelledV2(**registration(kim, fair, "r5"),
                                                                     cancelled_by="organiser"), uow)
    await handlers.registration_waitlisted(_at(early, ev.RegistrationWaitlistedV2(
        **registration(sam, fair, "r6"), position=3)), uow)
    await handlers.waitlist_closed(ev.WaitlistClosed(**registration(sam, fair, "r6")), uow)
    # A speaker's talk is called off.
    talk = ev.EventPublishedV2(**{**session.model_dump(exclude={"event_id", "event_type", "schema_version"}),
                                  "scheduled_event_id": _id("talk"), "kind": "speaker_event",
                                  "title": "From the Bronx to residency: a surgeon's journey"})
    await handlers.event_published(_at(NOW - timedelta(days=20), talk), uow)
    await handlers.registration_confirmed(_at(early, ev.RegistrationConfirmedV2(**registration(sam, talk, "r7"))), uow)
    await handlers.registration_waitlisted(_at(early, ev.RegistrationWaitlistedV2(**registration(kim, talk, "r8"),
                                                                                  position=1)), uow)
    await handlers.event_cancelled(ev.EventCancelledV3(scheduled_event_id=talk.scheduled_event_id,
                                                       chapter_id=chapter.chapter_id, reason_code="speaker_unavailable",
                                                       revision=1), uow)

    # --- office hours with Dr. Lee Chen (a clinician in Chicago) ---
    def booking(name: str, starts: datetime, **more) -> dict:
        return dict(slot_id=_id(f"slot-{name}"), host_id=lee, person_id=sam, chapter_id=chapter.chapter_id,
                    starts_at=starts, ends_at=starts + timedelta(minutes=30), booking_id=_id(f"booking-{name}"), **more)

    online = booking("online", STARTS + timedelta(days=2))
    await handlers.office_hours_booked(_at(NOW, ev.OfficeHoursBookedV3(**online, is_virtual=True)), uow)
    await handlers.office_hours_link_given(_at(NOW, ev.OfficeHoursLinkGiven(**online, replaces_earlier=False)), uow)
    in_person = booking("in-person", STARTS + timedelta(days=3))
    await handlers.office_hours_booked(_at(NOW, ev.OfficeHoursBookedV3(
        **in_person, is_virtual=False, location="Clinical sciences building, office 310")), uow)
    await handlers.office_hours_booking_cancelled(_at(NOW, ev.OfficeHoursBookingCancelledV3(
        **in_person, is_virtual=False, location="Clinical sciences building, office 310", cancelled_by="host",
        reason_code="slot_withdrawn")), uow)
    by_sam = booking("by-sam", STARTS + timedelta(days=4))
    await handlers.office_hours_booked(_at(NOW, ev.OfficeHoursBookedV3(**by_sam, is_virtual=True)), uow)
    await handlers.office_hours_booking_cancelled(_at(NOW, ev.OfficeHoursBookingCancelledV3(
        **by_sam, is_virtual=True, cancelled_by="participant", reason_code="cancelled")), uow)
    # Kim, who booked an office hour of Lee's, erases their account: Lee is told, without their name.
    kims = dict(booking("kim", STARTS + timedelta(days=5)), person_id=kim)
    await handlers.office_hours_booked(_at(NOW, ev.OfficeHoursBookedV3(**kims, is_virtual=True)), uow)
    await handlers.office_hours_booking_cancelled(_at(NOW, ev.OfficeHoursBookingCancelledV3(
        **kims, is_virtual=True, cancelled_by="participant", reason_code="person_erased")), uow)


KINDS_TOLD = frozenset({
    "welcome", "mentor_approved", "mentor_suspended", "staff_role_changed", "review_asked", "review_cleared",
    "account_reinstated", "email_change", "email_changed", "pairing_proposed", "pairing_confirmed",
    "waitlist_paired", "pairing_declined", "answer_due", "mentoring_paused",
    "pairing_ended", "partner_left", "pairing_renewed", "renewal_due", "meeting_overdue", "feedback_request",
    "mentee_waitlisted", "registration_confirmed", "registration_waitlisted", "registration_promoted",
    "registration_cancelled", "registration_removed", "join_link", "event_cancelled", "event_updated",
    "event_reminder", "waitlist_closed", "office_hours_booked", "office_hours_booked_host", "office_hours_reminder",
    "office_hours_cancelled", "office_hours_link_given", "daily_digest", "organiser_message",
})

POLICY = DispatchPolicy(access_link_grace_seconds=0, welcome_grace_seconds=0)


async def told(language: str) -> FakeUnitOfWork:
    """The story's notifications recorded, none of them sent yet."""
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    await _story(uow, language)
    return uow


async def gallery(language: str) -> list[Rendered]:
    uow = await told(language)
    n = uow.notifications
    # Sam reads a daily digest: the day before's nudges wait for it.
    for row in n.rows.values():
        if row["n"].person_id == _id("sam") and row["n"].kind in ("renewal_due", "meeting_overdue"):
            row.update(status="digest_pending", subject=None, n=replace(row["n"], created_at=NOW - timedelta(hours=22)))
    render = renderer()
    rendered: list[Rendered] = []
    pending = [row["n"] for row in n.rows.values() if row["status"] in ("pending", "sent")]
    for notification in pending:
        try:
            context = await context_for(notification, uow, POLICY, NOW)
        except Obsolete:
            continue  # a reminder of a booking since cancelled, a confirmation of an event since cancelled
        email = render(notification, context)
        rendered.append(Rendered(notification, context, email))
        n.rows[notification.id]["subject"] = email.subject
    for row in n.rows.values():
        if row["status"] == "digest_pending":
            row["subject"] = render(row["n"], await context_for(row["n"], uow, POLICY, NOW)).subject
    await compose_digests(uow, POLICY, NOW)
    [digest] = [row["n"] for row in n.rows.values() if row["n"].kind == "daily_digest"]
    context = await context_for(digest, uow, POLICY, NOW)
    rendered.append(Rendered(digest, context, render(digest, context)))
    return rendered
