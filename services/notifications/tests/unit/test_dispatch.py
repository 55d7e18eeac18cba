"""Recording and sending notifications, with an in-memory unit of work and mailer."""

import asyncio
import json
import logging
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import profiles
from mentorship_contracts.events import EventPublished, RegistrationConfirmed
from mentorship_contracts.matching import (
    MeetingOverdue,
    MenteeWaitlisted,
    MenteeWaitlistedV2,
    PairingConfirmed,
    PairingConfirmedV2,
    PairingProposedV2,
)
from notifications.adapters.email import Renderer
from notifications.adapters.links import Links
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.domain import commands
from notifications.domain.model import (
    MAX_ATTEMPTS,
    CannotOptOut,
    Category,
    ClaimLost,
    DeliveryUncertain,
    Email,
    Preferences,
)
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import (
    DispatchPolicy,
    HandOvers,
    claim_due,
    dispatch_due,
    give_up_on_lapsed_claims,
    record_outcomes,
    send_all,
)
from plumbing import correlation
from plumbing.calendar import event_uid
from plumbing.logs import JsonFormatter
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications

# No waiting between tries, nor for context that has not arrived: each dispatch is the next pass.
POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, database_wait_seconds=0, welcome_grace_seconds=0)


RENDER = Renderer(Links("https://app.mentorship.example"), UnsubscribeTokens("s" * 32),
                  "Mentorship <no-reply@mentorship.example>")


def new_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(notifications=FakeNotifications())


def render(notification, context):
    return Email(to=context["recipient"]["email"], subject=notification.kind, text="", html="", message_id="x")


def pairing():
    return PairingConfirmed(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=uuid4(),
                            mentor_id=uuid4(), score=80, reason_codes=[], term_ends_at="2027-11-22T00:00:00Z")


def reachable(uow, *people):
    for person in people:
        uow.notifications.contacts[person] = {"email": f"{person}@example.org", "display_name": "X"}


async def dispatch(uow, mailer):
    return await dispatch_due(lambda: uow, render, mailer, POLICY)


async def test_a_pairing_delivered_twice_records_one_notification_per_person():
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    await handlers.pairing_confirmed(event, uow)
    recorded_for = sorted(r["n"].person_id for r in uow.notifications.rows.values())
    assert recorded_for == sorted([event.mentee_id, event.mentor_id])


async def test_nothing_is_sent_until_the_partner_can_be_described_then_both_are_sent_once():
    uow, event, mailer = new_uow(), pairing(), FakeMailer()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id)
    await dispatch(uow, mailer)
    assert mailer.sent == []
    reachable(uow, event.mentor_id)
    await dispatch(uow, mailer)
    await dispatch(uow, mailer)
    assert len(mailer.sent) == 2
    assert [e.channel for e in uow.published] == ["email", "email"]


async def test_an_smtp_failure_is_retried_and_after_the_last_try_marked_failed_and_announced():
    uow, event, mailer = new_uow(), pairing(), FakeMailer(ConnectionRefusedError("smtp down"))
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    for _ in range(MAX_ATTEMPTS):
        await dispatch(uow, mailer)
    assert set(uow.notifications.statuses().values()) == {"failed"}
    assert {(e.event_type, e.attempts) for e in uow.published} == {("notifications.notification_failed", MAX_ATTEMPTS)}


async def test_each_batch_says_what_became_of_its_emails_for_the_operators_figures():
    uow, event, mailer = new_uow(), pairing(), FakeMailer(ConnectionRefusedError("smtp down"))
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    tries = [await dispatch(uow, mailer) for _ in range(MAX_ATTEMPTS)]
    assert [(t.claimed, dict(t.outcomes)) for t in tries] == \
        [(2, {"retrying": 2})] * (MAX_ATTEMPTS - 1) + [(2, {"failed": 2})]
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    mailer = FakeMailer()
    assert dict((await dispatch(uow, mailer)).outcomes) == {"sent": 2}
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    mailer = FakeMailer(DeliveryUncertain("SMTPServerDisconnected"))
    assert dict((await dispatch(uow, mailer)).outcomes) == {"unconfirmed": 2}


async def test_an_email_whose_message_no_longer_holds_when_it_comes_due_is_counted_cancelled_and_not_sent():
    # A link to confirm a new address that expired while the SMTP server refused, say.
    uow, mailer, person = new_uow(), FakeMailer(), uuid4()
    reachable(uow, person)
    await handlers.email_change_requested(profiles.EmailChangeRequested(
        person_id=person, chapter_id=None, display_name="Ana Reyes", new_email="ana.new@example.org",
        confirmation_path=profiles.email_confirmation_path("a-token"), expires_at=datetime.now(UTC) - timedelta(minutes=1),
        timezone="America/Chicago", preferred_language="en"), uow)
    dispatched = await dispatch(uow, mailer)
    assert (dispatched.claimed, dict(dispatched.outcomes)) == (0, {"cancelled": 1})
    assert mailer.sent == [] and list(uow.notifications.statuses().values()) == ["cancelled"]


def email_sent_lines(caplog) -> list[str]:
    """The "email sent" lines as the service writes them (JSON), each as the text an operator greps."""
    formatter = JsonFormatter("notifications")
    return [formatter.format(record) for record in caplog.records if record.getMessage() == "email sent"]


async def test_each_email_sent_is_logged_once_with_the_correlation_id_of_the_action_it_answers_and_ids_only(caplog):
    # `grep '"correlation_id": "ID"'` follows an action through every service's logs: to the emails it sent too.
    uow, event, mailer = new_uow(), pairing(), FakeMailer()
    token = correlation.use("sign-up-42")
    try:
        await handlers.pairing_confirmed(event, uow)
    finally:
        correlation.reset(token)
    reachable(uow, event.mentee_id, event.mentor_id)
    caplog.set_level(logging.INFO, logger="notifications.service_layer.dispatch")
    await dispatch(uow, mailer)
    await dispatch(uow, mailer)  # nothing more is due: nothing more is said
    lines = email_sent_lines(caplog)
    assert len(lines) == 2 and all('"correlation_id": "sign-up-42"' in line for line in lines)
    told = [json.loads(line) for line in lines]
    assert sorted(line["notification_id"] for line in told) == sorted(str(r["n"].id) for r in uow.notifications.rows.values())
    assert {line["kind"] for line in told} == {"pairing_confirmed"}
    # Ids only: never the address, the subject or anything the message said.
    assert all(set(line) == {"ts", "level", "service", "logger", "msg", "notification_id", "kind", "correlation_id"}
               for line in told)
    assert not any("@" in line for line in lines)


async def test_an_email_the_smtp_server_refused_is_not_logged_as_sent(caplog):
    uow, event, mailer = new_uow(), pairing(), FakeMailer(ConnectionRefusedError("smtp down"))
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    caplog.set_level(logging.INFO, logger="notifications.service_layer.dispatch")
    await dispatch(uow, mailer)
    assert email_sent_lines(caplog) == []


async def test_an_email_whose_template_fails_is_counted_unrenderable_not_failed_and_the_smtp_server_is_not_tried():
    uow, event, mailer = new_uow(), pairing(), FakeMailer()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)

    def render_but_not_for_the_mentee(notification, context):
        if notification.person_id == event.mentee_id:
            raise KeyError("a parameter the template expects")
        return render(notification, context)

    dispatched = await dispatch_due(lambda: uow, render_but_not_for_the_mentee, mailer, POLICY)
    assert dict(dispatched.outcomes) == {"unrenderable": 1, "sent": 1}
    assert [email.to for email in mailer.sent] == [f"{event.mentor_id}@example.org"]
    assert uow.notifications.statuses()[f"pairing_confirmed:{event.mentee_id}"] == "failed"


async def test_a_conversation_that_broke_off_after_handing_the_message_over_is_never_resent():
    uow, event, mailer = new_uow(), pairing(), FakeMailer(DeliveryUncertain("SMTPServerDisconnected"))
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    await dispatch(uow, mailer)
    mailer.error = None
    await dispatch(uow, mailer)
    assert mailer.sent == []
    assert set(uow.notifications.statuses().values()) == {"unconfirmed"}


async def test_a_mentee_who_waited_is_told_they_are_off_the_waitlist():
    uow, event = new_uow(), pairing()
    await handlers.mentee_waitlisted(MenteeWaitlisted(enrollment_id=uuid4(), program_id=event.program_id,
                                                      chapter_id=None, mentee_id=event.mentee_id, position=3,
                                                      occurred_at=event.occurred_at - timedelta(days=3)), uow)
    await handlers.pairing_confirmed(event, uow)
    kinds = {r["n"].kind for r in uow.notifications.rows.values() if r["n"].person_id == event.mentee_id}
    assert kinds == {"mentee_waitlisted", "waitlist_paired"}


async def test_a_mentee_waiting_for_one_kind_of_mentor_is_not_told_they_are_off_the_waitlist_by_another_kind():
    uow = new_uow()
    clinical = PairingConfirmedV2(**pairing().model_dump(exclude={"event_id", "event_type", "schema_version"}),
                                  pairing_kind="clinical")
    await handlers.mentee_waitlisted(MenteeWaitlistedV2(
        enrollment_id=uuid4(), program_id=clinical.program_id, chapter_id=None, mentee_id=clinical.mentee_id,
        position=1, pairing_kind="research", occurred_at=clinical.occurred_at - timedelta(days=3)), uow)
    await handlers.pairing_confirmed(clinical, uow)
    kinds = {r["n"].kind for r in uow.notifications.rows.values() if r["n"].person_id == clinical.mentee_id}
    assert kinds == {"mentee_waitlisted", "pairing_confirmed"}, "still waiting for a research mentor"


async def test_a_waitlisting_read_after_the_pairing_that_followed_it_tells_the_mentee_nothing_stale():
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    await handlers.mentee_waitlisted(MenteeWaitlisted(enrollment_id=uuid4(), program_id=event.program_id,
                                                      chapter_id=None, mentee_id=event.mentee_id, position=3,
                                                      occurred_at=event.occurred_at - timedelta(minutes=5)), uow)
    kinds = {r["n"].kind for r in uow.notifications.rows.values() if r["n"].person_id == event.mentee_id}
    assert kinds == {"pairing_confirmed"}


async def test_an_opted_out_category_reaches_the_inbox_only_and_a_digest_reader_waits_for_the_digest():
    uow, mailer = new_uow(), FakeMailer()
    pair = pairing()
    overdue = MeetingOverdue(**pair.model_dump(include={"pairing_id", "program_id", "chapter_id", "mentee_id",
                                                        "mentor_id"}), last_met_at=None, days_overdue=10)
    reachable(uow, pair.mentee_id, pair.mentor_id)
    await handlers.change_preferences(commands.ChangePreferences(pair.mentee_id, {Category.MENTORSHIP_NUDGES: True}),
                                      uow)
    await handlers.change_preferences(commands.ChangePreferences(pair.mentor_id, daily_digest=True), uow)
    await handlers.meeting_overdue(overdue, uow)
    await dispatch(uow, mailer)
    assert mailer.sent == []
    assert sorted(uow.notifications.statuses().values()) == ["digest_pending", "in_app"]


def test_essential_messages_cannot_be_turned_off_and_urgent_ones_never_wait_for_a_digest():
    with pytest.raises(CannotOptOut):
        Preferences().opting_out(Category.ESSENTIAL)
    digest_reader = Preferences(daily_digest=True)
    assert digest_reader.channel_for("event_reminder") == "email"
    assert digest_reader.channel_for("renewal_due") == "digest"


def described(uow, *people):
    for person, name in people:
        uow.notifications.contacts[person] = {"email": f"{person}@example.org", "display_name": name,
                                              "pronouns_for_partner": None, "bio_for_partner": None,
                                              "timezone": "America/Chicago", "language": "en"}


async def test_a_pairing_or_waitlisting_of_a_kind_says_the_kind_and_a_general_one_says_nothing_more():
    uow, mailer = new_uow(), FakeMailer()
    general = pairing()
    mentee, clinician, researcher = general.mentee_id, uuid4(), uuid4()
    described(uow, (mentee, "Sam Okafor"), (general.mentor_id, "Ana Reyes"), (clinician, "Lee Chen"),
              (researcher, "Kim Park"))
    of_a_kind = dict(program_id=uuid4(), chapter_id=None, mentee_id=mentee)
    for program_id in (general.program_id, of_a_kind["program_id"]):
        uow.notifications.programs[program_id] = {"name": "Into Medical School", "cadence_min_days": 30,
                                                  "cadence_max_days": 60, "members_public": True}
    await handlers.pairing_confirmed(general, uow)
    await handlers.pairing_confirmed(PairingConfirmedV2(**of_a_kind, pairing_id=uuid4(), mentor_id=clinician, score=80,
                                                        term_ends_at=general.term_ends_at, pairing_kind="clinical"),
                                     uow)
    await handlers.pairing_proposed(PairingProposedV2(**of_a_kind, pairing_id=uuid4(), mentor_id=researcher, score=70,
                                                      pairing_kind="research"), uow)
    await handlers.mentee_waitlisted(MenteeWaitlistedV2(**of_a_kind, enrollment_id=uuid4(), position=2,
                                                        pairing_kind="career"), uow)
    await dispatch_due(lambda: uow, RENDER, mailer, POLICY)

    def said(to, subject):
        [found] = [e for e in mailer.sent if e.to == f"{to}@example.org" and e.subject == subject]
        return found.text + found.html

    assert said(mentee, "Your new mentor: Ana Reyes").count("Ana Reyes is your mentor in") == 2
    assert said(mentee, "Your new mentor: Lee Chen").count("Lee Chen is your clinical mentor in") == 2
    assert said(researcher, "A proposed mentee in Into Medical School").count(
        "a mentee in Into Medical School, for research mentoring.") == 2
    waitlisted = said(mentee, "You are on the waitlist for Into Medical School: position 2")
    assert waitlisted.count("for career mentoring") == 2


async def test_a_confirmation_carries_the_events_calendar_entry_under_the_uid_of_the_events_feed():
    uow, mailer = new_uow(), FakeMailer()
    starts = datetime(2027, 3, 4, 18, tzinfo=UTC)
    session = EventPublished(scheduled_event_id=uuid4(), chapter_id=None, kind="workshop", title="Personal statements",
                             starts_at=starts, ends_at=starts + timedelta(hours=1), timezone="America/Chicago",
                             capacity=20, audience_stages=["undergraduate"], registration_deadline=starts,
                             is_virtual=False, location="Student centre, room 2")
    registrant = uuid4()
    described(uow, (registrant, "Sam Okafor"))
    await handlers.event_published(session, uow)
    await handlers.registration_confirmed(RegistrationConfirmed(registration_id=uuid4(), chapter_id=None,
                                                                scheduled_event_id=session.scheduled_event_id,
                                                                person_id=registrant), uow)
    await dispatch_due(lambda: uow, RENDER, mailer, POLICY)

    [confirmation] = mailer.sent
    [attachment] = confirmation.attachments
    entry = attachment.content.decode()
    assert attachment.filename == "event.ics" and "METHOD:REQUEST" in entry and "SEQUENCE:0" in entry
    assert f"UID:{event_uid(session.scheduled_event_id)}" in entry
    assert "SUMMARY:Personal statements" in entry and "LOCATION:Student centre\\, room 2" in entry


async def test_a_claim_that_lapsed_before_its_messages_were_handed_over_is_sent_by_the_next_sender_once():
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    lapsing = DispatchPolicy(lease_seconds=-1)  # the sender dies (or freezes) at once, after its claim
    dead = await claim_due(uow, render, lapsing, datetime.now(UTC))
    assert len(dead.emails) == 2
    assert await give_up_on_lapsed_claims(uow) == []  # nothing was handed over: nothing uncertain
    alive = FakeMailer()
    await dispatch(uow, alive)
    # The frozen sender wakes up: its claim is gone, so it hands nothing over and records nothing.
    late = FakeMailer()
    outcomes = await send_all(late, [(email, HandOvers(lambda: uow, dead.id, 60)(n.id)) for n, email in dead.emails],
                              2)
    await record_outcomes(uow, [n for n, _ in dead.emails], outcomes, POLICY, dead.id)
    assert len(alive.sent) == 2 and late.sent == []
    assert all(isinstance(outcome, ClaimLost) for outcome in outcomes)
    assert set(uow.notifications.statuses().values()) == {"sent"}
    assert [e.channel for e in uow.published] == ["email", "email"]


async def test_a_claim_that_lapsed_after_its_message_was_handed_over_is_unconfirmed_and_never_resent():
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    claim = await claim_due(uow, render, POLICY, datetime.now(UTC))
    handed, not_handed = claim.emails
    assert await HandOvers(lambda: uow, claim.id, -1)(handed[0].id)()  # handed over; then the sender dies
    for row in uow.notifications.rows.values():
        row["lease_until"] = datetime.now(UTC) - timedelta(seconds=1)
    assert await give_up_on_lapsed_claims(uow) == [handed[0].id]
    mailer = FakeMailer()
    await dispatch(uow, mailer)
    await dispatch(uow, mailer)
    assert [e.to for e in mailer.sent] == [not_handed[1].to]
    assert uow.notifications.rows[handed[0].id]["status"] == "unconfirmed"


async def test_messages_that_ended_while_their_record_was_lost_are_recorded_sent_once_the_database_is_back():
    uow, event = new_uow(), pairing()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    commit = uow.commit

    async def hand_over_lost(*, once_sent=None):
        if once_sent is None:
            return await commit()
        once_sent()  # COMMIT written, so the messages end; then the connection is lost and the record is not made
        raise ConnectionResetError("the database went away")

    mark_all_sent, still_away = uow.notifications.mark_all_sent, [ConnectionRefusedError(), ConnectionRefusedError()]

    async def once_the_database_is_back(ids, claim_id):
        if still_away:
            raise still_away.pop()
        return await mark_all_sent(ids, claim_id)

    uow.commit, uow.notifications.mark_all_sent = hand_over_lost, once_the_database_is_back
    mailer = FakeMailer()
    dispatched = await dispatch(uow, mailer)
    assert dict(dispatched.outcomes) == {"sent": 2} and len(mailer.sent) == 2
    assert set(uow.notifications.statuses().values()) == {"sent"}
    await give_up_on_lapsed_claims(uow)
    await dispatch(uow, mailer)
    assert len(mailer.sent) == 2  # not sent again


async def test_the_hand_overs_of_conversations_ready_at_about_the_same_moment_go_in_one_transaction():
    uow, events = new_uow(), [pairing() for _ in range(3)]
    for event in events:
        await handlers.pairing_confirmed(event, uow)
        reachable(uow, event.mentee_id, event.mentor_id)
    claim = await claim_due(uow, render, POLICY, datetime.now(UTC))
    transactions = []
    mark_handed = uow.notifications.mark_handed

    async def counted(ids, claim_id, lease_seconds):
        transactions.append(len(ids))
        return await mark_handed(ids, claim_id, lease_seconds)

    uow.notifications.mark_handed = counted
    hand_overs = HandOvers(lambda: uow, claim.id, 60, gather=len(claim.emails), window=60)

    asked = [asyncio.Event() for _ in claim.emails]

    async def ready_after(i, notification_id):
        if i:  # each conversation's server answers after the one before's
            await asked[i - 1].wait()
        asked[i].set()
        return await hand_overs(notification_id)()

    answers = await asyncio.wait_for(
        asyncio.gather(*(ready_after(i, n.id) for i, (n, _) in enumerate(claim.emails))), 10)
    assert answers == [True] * 6 and transactions == [6]  # all six at once, without waiting out the window
