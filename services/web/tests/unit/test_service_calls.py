"""How the web app calls the services: a token per person and service, kept for most of its life and then minted
anew; calls through one pool of kept connections (aiohttp), against a real HTTP server on this machine, with the
services' refusals turned into their error codes, an unreachable service into `Unavailable`, and no cookie kept
from one call to the next."""

from __future__ import annotations

import socket
from uuid import uuid4

import jwt
import pytest
from aiohttp import web
from plumbing.auth import SigningKeys, verify
from plumbing.testing import free_port
from web.adapters.service_tokens import ServiceTokens
from web.adapters.services import PooledHttp, ServiceError, Unavailable, send

KEYS = SigningKeys.generate()
TTL = 120


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def minted(monkeypatch) -> list[dict]:
    """Every token minted (its claims), counted."""
    from web.adapters import service_tokens

    made: list[dict] = []
    real = service_tokens.mint

    def counting(private_key, **claims):
        made.append(claims)
        return real(private_key, **claims)

    monkeypatch.setattr(service_tokens, "mint", counting)
    return made


def test_a_persons_token_for_a_service_is_used_again_while_more_than_a_quarter_of_its_life_is_left(minted):
    clock = Clock()
    tokens = ServiceTokens(KEYS.private_pem, TTL, clock=clock)
    person, chapter = uuid4(), uuid4()
    first = tokens.for_person("events", person, [chapter])
    clock.now += TTL * 0.75 - 1
    assert tokens.for_person("events", person, [chapter]) == first
    assert len(minted) == 1
    clock.now += 2
    again = tokens.for_person("events", person, [chapter])
    assert len(minted) == 2
    principal = verify(KEYS.public_pem, again, audience="events")
    assert (principal.person_id, set(principal.chapter_ids)) == (person, {chapter})


def test_a_token_is_never_used_for_other_claims_another_service_person_chapter_or_staff_role():
    tokens = ServiceTokens(KEYS.private_pem, TTL, clock=Clock())
    person, chapter, other = uuid4(), uuid4(), uuid4()
    mine = tokens.for_person("events", person, [chapter])
    others = [tokens.for_person("profiles", person, [chapter]), tokens.for_person("events", uuid4(), [chapter]),
              tokens.for_person("events", person, [other]), tokens.for_person("events", person, []),
              tokens.for_staff("events", person, "coordinator", [chapter]), tokens.for_web("events"),
              tokens.for_newcomer("events")]
    assert mine not in others and len(set(others)) == len(others)
    coordinator = verify(KEYS.public_pem, tokens.for_staff("events", person, "coordinator", [other]),
                         audience="events")
    assert coordinator.chapter_ids == frozenset({other})


def test_a_kept_token_still_has_at_least_ten_seconds_to_live_when_it_is_used_even_with_a_short_life(minted):
    clock = Clock()
    tokens = ServiceTokens(KEYS.private_pem, 12, clock=clock)  # kept 12 - 10 = 2 s at most
    tokens.for_web("profiles")
    clock.now += 1.5
    tokens.for_web("profiles")
    assert len(minted) == 1
    clock.now += 1
    claims = jwt.decode(tokens.for_web("profiles"), options={"verify_signature": False})
    assert len(minted) == 2 and claims["exp"] - claims["iat"] == 12


@pytest.fixture
async def service():
    """A service on this machine: JSON, a refusal in the platform's error shape, no content, text; it sets a cookie
    on every answer and says which cookie it was sent."""
    seen: list[dict] = []
    closing: set[int] = set()

    async def answer(request: web.Request) -> web.Response:
        seen.append({"path": request.path, "query": {k: (request.query.getall(k) if len(request.query.getall(k)) > 1
                                                         else request.query[k]) for k in request.query},
                     "auth": request.headers.get("Authorization"),
                     "cookie": request.headers.get("Cookie"), "body": await request.text()})
        kind = request.match_info["kind"]
        if kind == "closing":  # a kept connection the service closes as the next call arrives on it
            connection = id(request.transport)
            if connection in closing:
                assert request.transport is not None
                request.transport.close()
                raise ConnectionResetError("closed")
            closing.add(connection)
            return web.json_response({"connection": len(closing)})
        if kind == "json":
            response = web.json_response({"ok": True, "echo": dict(request.query)})
        elif kind == "refused":
            response = web.json_response({"error": {"code": "mentor_full", "message": "no room", "field": "mentor"}},
                                         status=409)
        elif kind == "empty":
            response = web.Response(status=204)
        else:
            response = web.Response(text="a,b\n1,2\n", content_type="text/csv")
        response.set_cookie("tracking", uuid4().hex)
        return response

    app = web.Application()
    app.router.add_route("*", "/v1/{kind}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    http = PooledHttp(5.0, connections=10)
    try:
        yield http, f"http://127.0.0.1:{port}", seen
    finally:
        await http.aclose()
        await runner.cleanup()


async def test_a_call_carries_its_token_query_and_body_and_reads_json_text_or_nothing(service):
    http, base, seen = service
    assert await send(http, "events", "GET", f"{base}/v1/json", "tok", params={"national": True, "n": 2}) == \
        {"ok": True, "echo": {"national": "true", "n": "2"}}
    assert await send(http, "events", "POST", f"{base}/v1/empty", "tok", json={"person_id": "p"}) is None
    assert await send(http, "events", "GET", f"{base}/v1/csv", "tok") == "a,b\n1,2\n"
    assert seen[0]["auth"] == "Bearer tok" and seen[1]["body"] == '{"person_id": "p"}'
    await send(http, "events", "GET", f"{base}/v1/json", "tok", params={"ids": ["a", "b"], "gone": None, "off": False})
    assert seen[-1]["query"] == {"ids": ["a", "b"], "off": "false"}


async def test_a_services_refusal_becomes_its_error_code_and_field(service):
    http, base, _ = service
    with pytest.raises(ServiceError) as refused:
        await send(http, "matching", "POST", f"{base}/v1/refused", "tok")
    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "mentor_full", "mentor")


async def test_no_cookie_a_service_sets_travels_with_a_later_call_another_persons_perhaps(service):
    http, base, seen = service
    for _ in range(3):
        await send(http, "profiles", "GET", f"{base}/v1/json", "tok")
    assert [s["cookie"] for s in seen] == [None, None, None]


async def test_a_read_sent_down_a_kept_connection_the_service_was_closing_is_asked_again_on_a_new_one(service):
    http, base, seen = service
    assert await send(http, "events", "GET", f"{base}/v1/closing", "tok") == {"connection": 1}
    assert await send(http, "events", "GET", f"{base}/v1/closing", "tok") == {"connection": 2}
    assert len(seen) == 3  # the second call went twice: down the kept connection, then a new one


async def test_a_change_sent_down_a_kept_connection_the_service_was_closing_is_not_sent_twice(service):
    http, base, seen = service
    await send(http, "events", "POST", f"{base}/v1/closing", "tok")
    with pytest.raises(Unavailable):
        await send(http, "events", "POST", f"{base}/v1/closing", "tok")
    assert len(seen) == 2


async def test_a_service_nobody_answers_at_is_unavailable():
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    http = PooledHttp(5.0, connections=10)
    try:
        with pytest.raises(Unavailable) as unavailable:
            await send(http, "profiles", "GET", f"http://127.0.0.1:{port}/v1/json", "tok")
    finally:
        await http.aclose()
    assert (unavailable.value.status, unavailable.value.code) == (503, "service_unavailable")
