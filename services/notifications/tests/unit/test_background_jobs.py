"""The dispatcher as a background job: a full batch is followed at once by the next, a stop mid-batch still sends
and records the batch before the job ends, and the operator's figures count what was sent and what waits."""

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest
from mentorship_contracts.profiles import PersonRegistered
from notifications.config import NotificationsSettings
from notifications.domain.model import Email
from notifications.entrypoints import jobs
from notifications.service_layer import handlers
from notifications.service_layer.ports import HandOver
from plumbing.testing import FakeUnitOfWork, eventually
from prometheus_client import CollectorRegistry

from .fakes import FakeMailer, FakeNotifications


def render(notification, context):
    return Email(to=context["recipient"]["email"], subject=notification.kind, text="", html="", message_id="x")


async def welcomed(uow, how_many: int) -> None:
    """People who registered and can be reached: a welcome is due to each (at once, the dispatcher told to wait no
    time for an invitation that would withdraw it)."""
    for _ in range(how_many):
        person = uuid4()
        uow.notifications.contacts[person] = {"email": f"{person}@example.org", "display_name": "X"}
        await handlers.person_registered(PersonRegistered(person_id=person, chapter_id=None, stage="undergraduate"),
                                         uow)


AT_ONCE = NotificationsSettings.offline(welcome_grace_seconds=0)  # no wait for an invitation withdrawing a welcome


def figures() -> jobs.EmailFigures:
    return jobs.EmailFigures(CollectorRegistry())


def test_every_outcome_is_shown_from_zero_so_that_its_first_rise_is_seen():
    registry = CollectorRegistry()
    jobs.EmailFigures(registry)
    assert {outcome: registry.get_sample_value("emails_total", {"outcome": outcome}) for outcome in jobs.OUTCOMES} \
        == dict.fromkeys(jobs.OUTCOMES, 0)


async def test_an_email_whose_template_fails_is_counted_apart_from_those_the_smtp_server_refused():
    uow, mailer, counted = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer(), figures()
    await welcomed(uow, 1)

    def broken(notification, context):
        raise KeyError("a parameter the template expects")

    job = asyncio.create_task(jobs.run_dispatcher(lambda: uow, broken, mailer, AT_ONCE,
                                                  counted)())
    try:
        await eventually(lambda: counted.emails.labels("unrenderable")._value.get() == 1, timeout=5,
                         what="one email counted unrenderable")
        assert counted.emails.labels("failed")._value.get() == 0 and mailer.sent == []
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job


class StallingMailer(FakeMailer):
    """Holds every message until released, and notes whether it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.sending, self.release, self.closed = asyncio.Event(), asyncio.Event(), False

    async def send(self, email: Email, hand_over: HandOver | None = None) -> None:
        self.sending.set()
        await self.release.wait()
        await super().send(email, hand_over)

    async def close(self) -> None:
        self.closed = True


async def test_a_full_batch_is_followed_at_once_by_the_next():
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), FakeMailer()
    await welcomed(uow, 3)
    hourly = NotificationsSettings.offline(dispatch_batch_size=1, dispatch_poll_seconds=3600,
                                            welcome_grace_seconds=0)
    counted = figures()
    job = asyncio.create_task(jobs.run_dispatcher(lambda: uow, render, mailer, hourly, counted)())
    try:
        await eventually(lambda: len(mailer.sent) == 3, timeout=5, what="three batches of one, without waiting")
        await eventually(lambda: counted.emails.labels("sent")._value.get() == 3, timeout=5, what="three counted")
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job


async def test_a_dispatcher_stopped_mid_batch_sends_and_records_the_batch_then_closes_its_mailer():
    uow, mailer = FakeUnitOfWork(notifications=FakeNotifications()), StallingMailer()
    await welcomed(uow, 2)
    job = asyncio.create_task(jobs.run_dispatcher(lambda: uow, render, mailer, AT_ONCE,
                                                      figures())())
    await asyncio.wait_for(mailer.sending.wait(), timeout=5)
    job.cancel()
    mailer.release.set()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert len(mailer.sent) == 2 and mailer.closed
    assert set(uow.notifications.statuses().values()) == {"sent"}
    assert [e.channel for e in uow.published] == ["email", "email"]


async def test_the_emails_waiting_and_how_long_the_first_has_waited_are_watched_in_every_instance():
    uow, watched = FakeUnitOfWork(notifications=FakeNotifications()), figures()
    await welcomed(uow, 2)
    uow.notifications.rows[next(iter(uow.notifications.rows))]["next_attempt_at"] -= timedelta(minutes=10)
    job = asyncio.create_task(jobs.watch_waiting_emails(lambda: uow, watched, seconds=3600)())
    try:
        await eventually(lambda: watched.waiting._value.get() == 2, timeout=5, what="two emails waiting")
        assert 600 <= watched.waited._value.get() < 660
    finally:
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job
