"""What profiles announces about a person reaches their web sessions through the broker: a suspension ends every
session of theirs, and a change of staff roles is read again at their next request (until profiles answers a
person's roles, none are kept). And the console's pages answer staff on the whole platform."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
from aiokafka import AIOKafkaProducer
from mentorship_contracts import IntegrationEvent, profiles
from plumbing.testing import eventually
from web.domain.sign_in import address_key

from .test_security import Visitor, link_for, signed_up


async def publish(platform, event: IntegrationEvent) -> None:
    producer = AIOKafkaProducer(**platform.kafka, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(event.topic, event.to_json(), key=event.key.encode(),
                                     headers=[("event_id", str(event.event_id).encode()),
                                              ("event_type", event.event_type.encode())])
    finally:
        await producer.stop()


async def person_of(platform, email: str) -> UUID:
    async with platform.client("profiles", role="service", subject="web") as profiles:
        return UUID((await profiles.post("/v1/people/lookup", json={"email": email})).json()["id"])


@contextlib.asynccontextmanager
async def signed_in_twice(platform) -> AsyncIterator[tuple[Visitor, Visitor, str]]:
    """One person signed in in two browsers: the one that signed up, and another by a link; their address."""
    one, two = Visitor(platform.web), Visitor(platform.web)
    try:
        email = await signed_up(platform, one)
        path = await link_for(platform, two, email)
        assert (await two.request("POST", path, data={"csrf": await two.csrf(path)})).status_code == 303
        yield one, two, email
    finally:
        await one.aclose()
        await two.aclose()


async def test_a_suspension_announced_by_profiles_signs_the_person_out_everywhere(platform):
    async with signed_in_twice(platform) as (one, two, email):
        await publish(platform, profiles.PersonSuspended(person_id=await person_of(platform, email)))

        async def both_signed_out() -> bool:
            answers = [await v.request("GET", "/", follow_redirects=False) for v in (one, two)]
            return all("Sign out" not in a.text for a in answers)

        await eventually(both_signed_out, timeout=60, interval=0.3, what="both sessions ended")


async def test_signing_out_on_every_other_device_ends_the_other_sessions_and_keeps_this_one(platform):
    async with signed_in_twice(platform) as (one, two, _):
        done = await one.request("POST", "/sign-out/elsewhere", data={"csrf": await one.csrf("/my-data")},
                                 follow_redirects=False)

        assert done.status_code == 303
        assert "Sign out" in (await one.request("GET", "/my-data")).text
        assert "Sign out" not in (await two.request("GET", "/", follow_redirects=False)).text


async def test_an_erasure_announced_by_profiles_forgets_the_sign_in_links_mailed_to_the_person(platform):
    visitor = Visitor(platform.web)
    try:
        email = await signed_up(platform, visitor)
        await link_for(platform, visitor, email)  # asked for again, not used: its row holds the address
        await publish(platform, profiles.PersonErasedV2(person_id=await person_of(platform, email)))
        web = await asyncpg.connect(platform.databases["web"])
        try:
            async def forgotten() -> bool:
                return not await web.fetchval("SELECT count(*) FROM sign_in_links WHERE email = $1", email) \
                    and not await web.fetchval("SELECT count(*) FROM sign_in_requests WHERE key = $1",
                                               address_key(email))

            await eventually(forgotten, timeout=60, interval=0.3, what="the erased person's links forgotten")
        finally:
            await web.close()
    finally:
        await visitor.aclose()


async def test_a_change_of_staff_roles_is_read_again_at_the_next_request(platform):
    visitor = Visitor(platform.web)
    try:
        email = await signed_up(platform, visitor)
        person_id = await person_of(platform, email)
        conn = await asyncpg.connect(platform.databases["web"])
        try:
            # As if profiles had said at sign-in that the person coordinates a chapter.
            await conn.execute("UPDATE sessions SET coordinator_of = ARRAY[$2::uuid] WHERE person_id = $1",
                               person_id, UUID(platform.world["chapter"]["id"]))
            assert 'href="/console"' in (await visitor.request("GET", "/")).text
            await publish(platform, profiles.StaffRolesChanged(person_id=person_id))

            async def marked() -> bool:
                return bool(await conn.fetchval("SELECT bool_and(roles_stale) FROM sessions WHERE person_id = $1",
                                                person_id))

            await eventually(marked, timeout=60, interval=0.3, what="the session marked to read its roles again")
            # Read again: profiles says none (or, before console-profiles' route is on main, nothing: none kept).
            assert 'href="/console"' not in (await visitor.request("GET", "/")).text
        finally:
            await conn.close()
    finally:
        await visitor.aclose()


async def test_every_page_of_the_consoles_navigation_answers_an_administrator_on_the_whole_platform(platform):
    """Each page asks the services themselves. The audit page merges the four services' trails: notifications
    served none, and the page failed."""
    visitor = Visitor(platform.web)
    try:
        email = f"admin.{uuid4().hex[:8]}@example.org"
        async with platform.client("profiles") as profiles:
            person = (await profiles.post("/v1/people", json={"display_name": "Ada Administrator", "email": email,
                                                              "stage": "attending"})).json()
            granted = await profiles.put(f"/v1/people/{person['id']}/roles/administrator")
            assert granted.status_code == 204, granted.text
        path = await link_for(platform, visitor, email)
        assert (await visitor.request("POST", path, data={"csrf": await visitor.csrf(path)})).status_code == 303
        home = await visitor.request("GET", "/console")
        assert home.status_code == 200, home.text
        navigation = home.text.split('class="console-nav"')[1].split("</nav>")[0]
        pages = re.findall(r'href="(/console[^"]*)"', navigation)
        assert {"/console/emails", "/console/audit"} <= set(pages)
        answers = {page: (await visitor.request("GET", page)).status_code for page in pages}
        assert answers == dict.fromkeys(pages, 200)
        # Each page's server errors are counted from 0, so that the first shows Prometheus a rise.
        metrics = (await visitor.request("GET", "/metrics")).text
        assert all(f'http_requests_total{{method="GET",route="{page}",status="500"}}' in metrics for page in pages)
    finally:
        await visitor.aclose()
