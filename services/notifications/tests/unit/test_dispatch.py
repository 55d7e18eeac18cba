"""Recording and sending notifications, with an in-memory unit of work and mailer."""

from uuid import uuid4

from mentorship_contracts.matching import PairingConfirmed
from notifications.domain.model import MAX_ATTEMPTS, Email, Notification
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import dispatch_pending


class FakeNotifications:
    def __init__(self):
        self.contacts, self.listings, self.rows = {}, {}, {}

    async def add(self, n):
        if any(r["n"].idempotency_key == n.idempotency_key for r in self.rows.values()):
            return False
        self.rows[n.id] = {"n": n, "status": "pending", "attempts": 0}
        return True

    async def claim_pending(self, limit):
        return [Notification(**{**vars(r["n"]), "attempts": r["attempts"]})
                for r in self.rows.values() if r["status"] == "pending" and r["n"].person_id in self.contacts][:limit]

    async def contact(self, person_id):
        return self.contacts.get(person_id)

    async def listing(self, event_id):
        return self.listings.get(event_id)

    async def mark_sent(self, notification_id):
        self.rows[notification_id]["status"] = "sent"

    async def mark_attempt_failed(self, notification_id, error, give_up):
        row = self.rows[notification_id]
        row["attempts"] += 1
        row["status"] = "failed" if give_up else "pending"


class FakeUnitOfWork:
    def __init__(self):
        self.notifications = FakeNotifications()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        pass

    async def commit(self):
        pass


class FakeMailer:
    def __init__(self, failing=False):
        self.sent, self.failing = [], failing

    async def send(self, email):
        if self.failing:
            raise ConnectionRefusedError("smtp down")
        self.sent.append(email)


def render(notification, context):
    return Email(to=context["recipient"]["email"], subject=notification.kind, text="", html="", message_id="x")


def pairing():
    return PairingConfirmed(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=uuid4(),
                            mentor_id=uuid4(), score=80, reason_codes=[], term_ends_at="2027-11-22T00:00:00Z")


def reachable(uow, *people):
    for person in people:
        uow.notifications.contacts[person] = {"email": f"{person}@example.org", "display_name": "X"}


async def test_a_pairing_delivered_twice_records_one_notification_per_person():
    uow, event = FakeUnitOfWork(), pairing()
    await handlers.pairing_confirmed(event, uow)
    await handlers.pairing_confirmed(event, uow)
    assert sorted(r["n"].person_id for r in uow.notifications.rows.values()) == sorted([event.mentee_id, event.mentor_id])


async def test_nothing_is_sent_until_the_partner_can_be_described_then_both_are_sent_once():
    uow, event, mailer = FakeUnitOfWork(), pairing(), FakeMailer()
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id)
    assert await dispatch_pending(uow, render, mailer) == 0
    reachable(uow, event.mentor_id)
    assert await dispatch_pending(uow, render, mailer) == 2
    assert await dispatch_pending(uow, render, mailer) == 0
    assert len(mailer.sent) == 2


async def test_an_smtp_failure_is_retried_and_after_the_last_try_marked_failed():
    uow, event, mailer = FakeUnitOfWork(), pairing(), FakeMailer(failing=True)
    await handlers.pairing_confirmed(event, uow)
    reachable(uow, event.mentee_id, event.mentor_id)
    for _ in range(MAX_ATTEMPTS):
        await dispatch_pending(uow, render, mailer)
    assert {r["status"] for r in uow.notifications.rows.values()} == {"failed"}
