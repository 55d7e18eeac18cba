"""Exactly once when things go wrong: the process killed between the SMTP server's acceptance and our commit,
and an SMTP server that refuses every try."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from email import message_from_bytes
from email.utils import parseaddr
from uuid import uuid4

from aiokafka import AIOKafkaConsumer
from aiosmtpd.smtp import SMTP
from mentorship_contracts import profiles
from plumbing.testing import answers_ready, eventually, free_port


class StallingSink:
    """Takes in each message, then never answers: the sender is stuck after the send, before its commit."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self._never = asyncio.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.received.append(envelope.content)
        await self._never.wait()
        return "250 Message accepted for delivery"


def start_service(env: dict[str, str], log_path) -> subprocess.Popen:
    """`python -m notifications`, as the local runner starts it (devinfra.platform), in its own process group."""
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "notifications"], env=os.environ | env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)


async def test_a_service_killed_between_the_smtp_send_and_its_commit_never_sends_that_email_again(
        postgres_server, service_environment, smtp_sink, publish, tmp_path, as_caller):
    stalling = StallingSink()
    stalling_port = free_port()
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(stalling), "127.0.0.1", stalling_port)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    name = f"notifications_kill_{uuid4().hex[:8]}"
    # Its own consumer group (both processes share it), so no other test's service takes its partitions.
    env = service_environment | {
        "DATABASE_URL": postgres_server.create_database(name), "CONSUMER_GROUP": name, "HTTP_PORT": str(port),
        "SMTP_HOST": "127.0.0.1", "DISPATCH_POLL_SECONDS": "0.05", "SENDING_LEASE_SECONDS": "1",
        "SMTP_TIMEOUT_SECONDS": "120", "PYTHONUNBUFFERED": "1",
        "WELCOME_GRACE_SECONDS": "0",  # the welcomes are the messages these crashes catch in flight: sent at once
    }
    person = profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=None, display_name="Kit Killed",
                                            email=f"kit.{uuid4().hex[:8]}@example.org")
    welcome = profiles.PersonRegistered(person_id=person.person_id, chapter_id=None, stage="undergraduate")
    first = start_service(env | {"SMTP_PORT": str(stalling_port)}, tmp_path / "first.log")
    second = None
    try:
        await eventually(lambda: answers_ready(url), timeout=60, what="the service to be ready")
        await publish(person, welcome)
        await eventually(lambda: stalling.received, timeout=90, what="the SMTP server to accept the welcome")
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()

        second = start_service(env | {"SMTP_PORT": str(smtp_sink.smtp_port)}, tmp_path / "second.log")
        await eventually(lambda: answers_ready(url), timeout=60, what="the restarted service to be ready")
        admin = as_caller(url)
        async with admin:
            async def welcome_status():
                log = (await admin.get("/v1/deliveries")).json()
                return next((d["status"] for d in log
                             if d["person_id"] == str(person.person_id) and d["kind"] == "welcome"), None)

            # The claim's lease runs out: the restarted service cannot know whether the message was taken.
            await eventually(lambda: _is(welcome_status(), "unconfirmed"), timeout=30, what="the claim to lapse")
            # The same event redelivered, then another for the same person, which the restarted service sends.
            await publish(welcome, profiles.MentorApproved(enrollment_id=uuid4(), person_id=person.person_id,
                                                           program_id=uuid4(), chapter_id=None))
            await smtp_sink.wait_for(lambda m: person.email in m["rcpt_tos"], timeout=90)
            assert await welcome_status() == "unconfirmed"
        assert [m["subject"] for m in smtp_sink.messages(to=person.email)] == ["You are approved as a mentor"]
        assert len(stalling.received) == 1
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        server.close()


async def test_emails_due_and_not_sent_are_counted_with_how_long_the_first_has_waited(
        publish, new_settings, run_service, smtp_sink):
    person = profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=None, display_name="Wes Waiting",
                                            email=f"wes.{uuid4().hex[:8]}@example.org")
    # A dispatcher that looked once, at the start, and not again for an hour: what falls due waits.
    settings = new_settings(smtp_sink.smtp_port, dispatch_poll_seconds=3600, unsent_watch_seconds=0.2)
    async with run_service(settings) as service, service.client() as any_client:
        await publish(person, profiles.PersonRegistered(person_id=person.person_id, chapter_id=None,
                                                        stage="undergraduate"))

        async def welcome_recorded() -> bool:
            log = (await any_client.get("/v1/deliveries")).json()
            return any(d["person_id"] == str(person.person_id) and d["status"] == "pending" for d in log)
        await eventually(welcome_recorded, timeout=90, what="the welcome recorded, due and not sent")

        async def counted() -> bool:  # besides the welcome, what the topics held before this service's group began
            figures = _figures((await any_client.get("/metrics")).text)
            return figures["emails_waiting"] >= 1 and figures["emails_oldest_waiting_seconds"] > 0
        await eventually(counted, timeout=30, what="the welcome counted as waiting")
    assert smtp_sink.messages(to=person.email) == []


def _figures(exposition: str) -> dict[str, float]:
    """Prometheus' text exposition as {series: value}."""
    return {line.rpartition(" ")[0]: float(line.rpartition(" ")[2]) for line in exposition.splitlines()
            if line and not line.startswith("#")}


async def _is(status, expected: str) -> bool:
    return await status == expected


async def test_an_smtp_server_that_refuses_every_try_ends_in_failed_seen_by_the_chapters_coordinator_only(
        kafka_client_options, publish, new_settings, run_service):
    chapter, elsewhere = uuid4(), uuid4()
    person = profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=chapter, display_name="Fay Failed",
                                            email=f"fay.{uuid4().hex[:8]}@example.org")
    deliveries = AIOKafkaConsumer("notifications.deliveries", **kafka_client_options(),
                                  group_id=f"watcher-{uuid4().hex[:8]}", auto_offset_reset="earliest")
    await deliveries.start()
    try:
        nowhere = free_port()  # nothing listens there
        async with run_service(new_settings(nowhere, smtp_retry_base_seconds=0.05)) as service:
            await publish(person, profiles.PersonRegistered(person_id=person.person_id, chapter_id=chapter,
                                                            stage="undergraduate"))
            async with service.client("coordinator", chapter_id=chapter) as coordinator:
                async def failed():
                    log = (await coordinator.get("/v1/deliveries", params={"status": "failed"})).json()
                    return [d for d in log if d["person_id"] == str(person.person_id)]

                [delivery] = await eventually(failed, timeout=90, what="the notification to fail for good")
                assert delivery["attempts"] == 5 and delivery["last_error"].startswith("SMTPConnect")
                theirs = await coordinator.get("/v1/deliveries", params={"person_id": str(person.person_id)})
                assert [d["id"] for d in theirs.json()] == [delivery["id"]]  # one person's, as their page shows
                assert delivery["kind"] == "welcome" and delivery["sent_at"] is None
            again = f"/v1/deliveries/{delivery['id']}/send-again"
            async with service.client("coordinator", chapter_id=elsewhere) as other:
                assert (await other.get("/v1/deliveries", params={"chapter_id": str(chapter)})).status_code == 403
                assert (await other.get("/v1/deliveries")).json() == []
                assert (await other.post(again)).status_code == 403
            async with service.client("participant", person_id=person.person_id) as participant:
                assert (await participant.get("/v1/deliveries")).status_code == 403
                assert (await participant.post(again)).status_code == 403
            # The chapter's coordinator has it sent again: five fresh tries, which fail too, and the log says who asked.
            staff = uuid4()
            async with service.client("coordinator", chapter_id=chapter, person_id=staff) as coordinator:
                answer = await coordinator.post(again)
                assert answer.status_code == 202, answer.text
                assert answer.json()["attempts"] == 0 and answer.json()["sent_again_by"] == str(staff)

                async def failed_again():
                    return [d for d in await failed() if d["sent_again_at"] and d["attempts"] == 5]

                [delivery] = await eventually(failed_again, timeout=90, what="the email sent again to fail again")
                assert delivery["sent_again_by"] == str(staff)
                assert (await coordinator.post(f"/v1/deliveries/{uuid4()}/send-again")).status_code == 404
            # Many at once (after an outage): another chapter's coordinator may not; theirs may, an unknown id skipped.
            listed = {"notification_ids": [delivery["id"], str(uuid4())]}
            async with service.client("coordinator", chapter_id=elsewhere) as other:
                assert (await other.post("/v1/deliveries/send-again", json=listed)).status_code == 403
            async with service.client("coordinator", chapter_id=chapter, person_id=staff) as coordinator:
                answer = await coordinator.post("/v1/deliveries/send-again", json=listed)
            assert answer.status_code == 202, answer.text
            assert [d["id"] for d in answer.json()["sent_again"]] == [delivery["id"]]
            assert answer.json()["skipped"] == [listed["notification_ids"][1]]
            async with service.client("admin") as admin:  # the console's audit page merges this trail
                trail = (await admin.get("/v1/audit", params={"action": "email.sent_again"})).json()["entries"]
            assert [(e["actor"], e["actor_role"], e["chapter_id"], e["detail"]) for e in trail
                    if e["subject_id"] == delivery["id"]] == [
                (str(staff), "coordinator", str(chapter),
                 {"person_id": str(person.person_id), "kind": "welcome", "status": "failed"})] * 2
            # The operator's figures say so too (deploy/monitoring alerts on them).
            async with service.client() as any_client:
                figures = _figures((await any_client.get("/metrics")).text)
            # (at least: the new group also reads what the topics held before, other tests' people among it)
            assert figures['emails_total{outcome="retrying"}'] >= 4 and figures['emails_total{outcome="failed"}'] >= 1
            assert figures['emails_total{outcome="sent"}'] == 0

        async def announced():
            batches = await deliveries.getmany(timeout_ms=200)
            announced.seen += [json.loads(r.value) for rs in batches.values() for r in rs]
            return next((e for e in announced.seen if e["notification_id"] == delivery["id"]), None)

        announced.seen = []
        event = await eventually(announced, timeout=30, what="NotificationFailed on the deliveries topic")
        assert event["event_type"] == "notifications.notification_failed" and event["attempts"] == 5
    finally:
        await deliveries.stop()


class HoldingSink:
    """A mail server that lets the first conversation hand its message over and then never answers it, and holds
    every later conversation at MAIL FROM: a sender killed now has one message in mid-conversation and every other
    one it claimed never handed over."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.conversations = 0
        self._never = asyncio.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:  # noqa: N802
        self.conversations += 1
        if self.conversations > 1:
            await self._never.wait()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.received.append(envelope.content)
        await self._never.wait()
        return "250 Message accepted for delivery"


async def test_a_service_killed_right_after_a_claim_leaves_only_the_message_in_mid_conversation_unsent(
        postgres_server, service_environment, smtp_sink, publish, tmp_path, as_caller):
    holding = HoldingSink()
    holding_port = free_port()
    server = await asyncio.get_running_loop().create_server(lambda: SMTP(holding), "127.0.0.1", holding_port)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = service_environment | {
        "DATABASE_URL": postgres_server.create_database(f"notifications_claim_{uuid4().hex[:8]}"),
        "CONSUMER_GROUP": f"notifications_claim_{uuid4().hex[:8]}", "CONSUMER_BATCH_SIZE": "500",
        "HTTP_PORT": str(port), "SMTP_HOST": "127.0.0.1", "DISPATCH_POLL_SECONDS": "0.05",
        "SENDING_LEASE_SECONDS": "2", "SMTP_TIMEOUT_SECONDS": "120", "PYTHONUNBUFFERED": "1",
        "WELCOME_GRACE_SECONDS": "0",
    }
    people = [profiles.ContactDetailsChanged(person_id=uuid4(), chapter_id=None, display_name=f"Claimed {i}",
                                             email=f"claimed{i}.{uuid4().hex[:8]}@example.org") for i in range(40)]
    ours = {str(p.person_id): p.email for p in people}
    # All on the topics before the service starts: it applies them in one batch, so one claim takes them together.
    await publish(*people, *(profiles.PersonRegistered(person_id=p.person_id, chapter_id=None, stage="undergraduate")
                             for p in people))
    first = start_service(env | {"SMTP_PORT": str(holding_port)}, tmp_path / "first.log")
    second = None
    try:
        await eventually(lambda: answers_ready(url), timeout=60, what="the service to be ready")
        admin = as_caller(url)
        async with admin:
            async def welcomes() -> dict[str, str]:
                log = (await admin.get("/v1/deliveries", params={"limit": 1000})).json()
                return {d["person_id"]: d["status"] for d in log if d["person_id"] in ours and d["kind"] == "welcome"}

            async def claimed_with_one_handed_over() -> dict[str, str] | None:
                # The handover first, then the log: read the other way round, the log could predate the claim that a
                # handover seen a moment later proves (every welcome still "pending": CI saw it once).
                if not holding.received:
                    return None
                statuses = await welcomes()
                return statuses if len(statuses) == len(people) else None

            at_kill = await eventually(claimed_with_one_handed_over, timeout=90, what="a claim, one message handed")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
            [handed] = holding.received
            handed_to = parseaddr(message_from_bytes(handed)["To"])[1]
            claimed_not_handed = [p for p, s in at_kill.items() if s == "sending" and ours[p] != handed_to]
            assert claimed_not_handed, at_kill  # what the kill is to show: claimed, never handed over

            second = start_service(env | {"SMTP_PORT": str(smtp_sink.smtp_port)}, tmp_path / "second.log")
            await eventually(lambda: answers_ready(url), timeout=60, what="the restarted service to be ready")

            async def settled() -> dict[str, str] | None:
                statuses = await welcomes()
                return statuses if not {"pending", "sending"} & set(statuses.values()) else None

            statuses = await eventually(settled, timeout=90, what="every claim to be settled")
        # Only a message the server may have taken is uncertain; every other one went, exactly once.
        assert {p: s for p, s in statuses.items() if s != "sent"} == {
            p: "unconfirmed" for p, email in ours.items() if email == handed_to}
        delivered = [m for m in smtp_sink.messages() if m["rcpt_tos"][0] in ours.values()]
        assert sorted(m["rcpt_tos"][0] for m in delivered) == sorted(e for e in ours.values() if e != handed_to)
        assert len({m["headers"]["Message-ID"] for m in delivered}) == len(delivered)
        assert len(holding.received) == 1
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        server.close()
