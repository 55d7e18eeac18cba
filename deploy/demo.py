"""The walking skeleton, told as a story against the running platform (`python -m devinfra up` first), with the
secrets the runner generated for this machine (`.run/secrets.json`): tokens signed with its private key, and
another team's Kafka principal (`other-team`), which may read the public topics only.

A chapter coordinator defines a program; a resident and an undergraduate sign up and enrol; matching pairs
them; both get an email; another team sees the pairing on the public topic; the undergraduate registers
for a session and gets a confirmation. Then it prints where to try it in a browser: the web app, a person to sign
in as, and the local mailbox where the sign-in link arrives.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
from aiokafka import AIOKafkaConsumer
from devinfra import secrets
from devinfra.kafka import OTHER_TEAM, KafkaAccess
from devinfra.platform import SERVICES, default_run_dir, status
from devinfra.smtp_sink import SmtpSinkClient
from plumbing.auth import mint

SECRETS = secrets.load(default_run_dir())
KAFKA = KafkaAccess(os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092"),
                    SECRETS.kafka_passwords if SECRETS else {})
SINK_URL = f"http://127.0.0.1:{os.environ.get('DEVINFRA_SMTP_HTTP_PORT', 8025)}"
SINK = SmtpSinkClient(SINK_URL)
URLS = {s.name: f"http://127.0.0.1:{s.port}" for s in SERVICES}


def say(step: str, detail: str = "") -> None:
    print(f"\n▸ {step}" + (f"\n  {detail}" if detail else ""), flush=True)


def client(service: str, **claims) -> httpx.AsyncClient:
    assert SECRETS, "the platform is not up"
    token = mint(SECRETS.jwt_private_key, audience=service, **({"role": "admin"} | claims))
    return httpx.AsyncClient(base_url=URLS[service], headers={"Authorization": f"Bearer {token}"}, timeout=30)


async def until(check, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while (result := await check()) is None:
        if time.monotonic() > deadline:
            sys.exit(f"demo: gave up waiting for {what}")
        await asyncio.sleep(0.2)
    return result


DEMO_CHAPTER = "Demo Chapter"


async def demo_chapter(profiles: httpx.AsyncClient) -> dict:
    """The Demo Chapter: made by the first demo on this platform, found by the later ones (a chapter's name is its
    own, whatever the case and spacing)."""
    def key(name: str) -> str:
        return " ".join(name.split()).lower()

    chapters = (await profiles.get("/v1/chapters")).raise_for_status().json()
    found = next((c for c in chapters if key(c["name"]) == key(DEMO_CHAPTER)), None)
    if found is not None:
        return found
    made = await profiles.post("/v1/chapters", json={"name": DEMO_CHAPTER, "timezone": "America/Chicago",
                                                      "contact_email": "coordinators@demo-chapter.example"})
    return made.raise_for_status().json()


async def seed_staff(tag: str) -> tuple[str, str]:
    """The console's staff: a national administrator (named by the operator's command, as on a fresh platform)
    and a coordinator of the Demo Chapter (granted by that administrator). Their emails, to sign in as them."""
    async with client("profiles") as profiles:
        chapter = await demo_chapter(profiles)
        staff = {}
        for who, name, stage in (("admin", "Alex Admin", "attending"), ("coordinator", "Casey Coordinator",
                                                                      "attending")):
            response = await profiles.post("/v1/people", json={
                "display_name": name, "email": f"{who}.{tag}@example.org", "stage": stage,
                "chapter_id": chapter["id"]})
            response.raise_for_status()
            staff[who] = response.json()
    # The first administrator, as an operator names them: `python -m profiles grant-administrator <email>`.
    endpoints = status(default_run_dir())["endpoints"] or {}
    subprocess.run([sys.executable, "-m", "profiles", "grant-administrator", staff["admin"]["email"]], check=True,
                   env={**os.environ, "DATABASE_URL": endpoints["database_urls"]["profiles"]})
    async with client("profiles", person_id=staff["admin"]["id"]) as as_admin:
        granted = await as_admin.put(f"/v1/people/{staff['coordinator']['id']}/roles/coordinator/{chapter['id']}")
        granted.raise_for_status()
    say("Console staff", f"national administrator {staff['admin']['email']}; coordinator of "
                         f"{chapter['name']} {staff['coordinator']['email']}")
    return staff["admin"]["email"], staff["coordinator"]["email"]


async def main() -> None:
    if SECRETS is None:
        sys.exit(f"demo: no secrets in {secrets.path_in(default_run_dir())}: start the platform first "
                 "(uv run python -m devinfra up)")
    tag = uuid4().hex[:6]
    # Another team: its own principal, its own consumer group, public topics only.
    analytics = AIOKafkaConsumer("matching.pairings", **KAFKA.client_options(OTHER_TEAM),
                                 group_id=f"{OTHER_TEAM}-demo-analytics-{tag}", auto_offset_reset="latest")
    await analytics.start()
    try:
        await analytics.getmany(timeout_ms=1000)  # join the group before anything is published
        admin_email, coordinator_email = await seed_staff(tag)
        async with client("profiles") as profiles:
            # A program of this run's own (a program's name is its own): one a demo made before has that demo's
            # mentors, whom matching could pair with this run's mentee instead of this run's mentor.
            program = (await profiles.post("/v1/programs", json={
                "name": f"Into Medical School {tag}",
                "mentee_stages": ["undergraduate", "post_baccalaureate"],
                "mentor_stages": ["medical_student_2", "medical_student_3", "medical_student_4", "resident", "attending"],
                # Taking part in it says nothing sensitive, so its coordinators let other teams see who does (an
                # affinity program would keep that to the platform: the default).
                "members_public": True,
            })).json()
            say("Program defined", f"{program['name']} (pairs form as people register; who takes part is public) "
                                   f"id={program['id']}")
            # High-school students, most of them minors, have a program of their own: profiles requires one open
            # to them to vet its mentors and to have both sides accept a pairing.
            pathway = (await profiles.post("/v1/programs", json={
                "name": f"Health Careers Pathway {tag}", "mentee_stages": ["high_school"],
                "mentor_stages": ["undergraduate", "medical_student_1", "medical_student_2", "medical_student_3",
                                  "medical_student_4", "resident"],
                "mentor_approval_required": True, "both_must_accept": True,
            })).json()
            say("Program defined", f"{pathway['name']} (for high-school students: mentors are approved by a "
                                   f"coordinator first, and both sides accept a pairing) id={pathway['id']}")
            mentor = (await profiles.post("/v1/people", json={
                "display_name": "Dr. Ana Reyes", "email": f"ana.reyes.{tag}@example.org", "stage": "resident",
                "pronouns": "she/her", "specialties": ["emergency_medicine"],
                # The languages they meet in, as sign-up asks everyone: one who lists none rules nobody out, and a
                # Spanish-only mentee signing up to try the demo was paired with Ana, who meets in English.
                "languages": ["en"],
                "support_areas": ["applications_and_interviews", "career_planning"],
                "bio": "Emergency medicine resident; first in my family to go to college.",
            })).json()
            mentee = (await profiles.post("/v1/people", json={
                "display_name": "Sam Okafor", "email": f"sam.okafor.{tag}@example.org", "stage": "undergraduate",
                "specialties": ["emergency_medicine"], "support_areas": ["applications_and_interviews"],
                "languages": ["en"],
            })).json()
            say("People signed up",
                f"mentor {mentor['display_name']} (resident), mentee {mentee['display_name']} (undergraduate)")
            for person, role in ((mentor, "mentor"), (mentee, "mentee")):
                response = await profiles.post("/v1/enrollments", json={
                    "person_id": person["id"], "program_id": program["id"], "role": role, "capacity": 2})
                response.raise_for_status()
            say("Both enrolled", "profiles stored them and announced it through its outbox")

        async def public_pairing():
            for records in (await analytics.getmany(timeout_ms=200)).values():
                for record in records:
                    event = json.loads(record.value)
                    if event.get("mentee_id") == mentee["id"]:
                        return event
            return None

        event = await until(public_pairing, "the public pairing event")
        say("Another team sees the pairing on matching.pairings (ids and reasons only)",
            json.dumps({k: event[k] for k in ("event_type", "pairing_id", "mentor_id", "mentee_id", "score", "reason_codes")}))

        async def pairing_emails():
            found = [m for m in SINK.messages() if tag in " ".join(m["rcpt_tos"]) and m["subject"].startswith("Your new ment")]
            return found if len(found) == 2 else None

        for message in await until(pairing_emails, "the pairing emails"):
            say(f"Email to {message['rcpt_tos'][0]}", f"Subject: {message['subject']}")

        async with client("events") as events:
            starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
            session = (await events.post("/v1/events", json={
                "kind": "virtual_session", "title": "Applying to medical school: a virtual session",
                "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat(),
                "capacity": 100, "registration_deadline": (starts - timedelta(hours=12)).isoformat(),
                "audience_stages": ["undergraduate", "post_baccalaureate"], "is_virtual": True,
                "virtual_link": "https://meet.example.org/applying-to-medical-school",
            })).json()
            await events.post(f"/v1/events/{session['id']}/publish")
            say("Session published", f"{session['title']} on {starts:%d %B %Y}, 100 seats")

        async with client("events", role="participant", person_id=mentee["id"]) as as_mentee:
            async def register():
                response = await as_mentee.post(f"/v1/events/{session['id']}/registrations", json={"person_id": mentee["id"]})
                return response.json() if response.status_code == 201 else None

            registration = await until(register, "the registration")
            say("Mentee registered", f"status: {registration['status']}")

        async def confirmation():
            return next((m for m in SINK.messages() if tag in " ".join(m["rcpt_tos"]) and "registered" in m["subject"]), None)

        message = await until(confirmation, "the confirmation email")
        say(f"Email to {message['rcpt_tos'][0]}", f"Subject: {message['subject']}")
        if "web" in URLS:
            say("Try it in a browser",
                f"Open {URLS['web']}/ and sign in as {mentee['email']} (Sam, an undergraduate paired with\n"
                f"  Dr. Ana Reyes) or {mentor['email']} (Ana, the mentor); or sign up with any address.\n"
                f"  The console: sign in as {admin_email} (national administrator) or {coordinator_email}\n"
                f"  (coordinator of {DEMO_CHAPTER}).\n"
                f"  The sign-in link arrives in the local mailbox: {SINK_URL}/ (click it there).")
        print("\nDemo complete. Stop the platform with: uv run python -m devinfra down")
    finally:
        await analytics.stop()


if __name__ == "__main__":
    asyncio.run(main())
