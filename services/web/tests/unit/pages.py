"""The web app's pages driven through its test client: the sessions in memory, the services played by an HTTP
transport answering from a table of routes (any other call is answered with a failure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx
from plumbing.testing import FakeUnitOfWork
from web.adapters.service_tokens import ServiceTokens
from web.adapters.services import HttpxHttp, ServiceClients
from web.bootstrap import build_app
from web.config import WebSettings
from web.domain.sign_in import Session, digest
from web.entrypoints.web import SESSION_COOKIE

from .test_dashboard_calls import KEYS
from .test_sign_in import FakeLinks, FakeOidcAttempts, FakeSessions

CSRF = "the-page-token"
NEWCOMER_EMAIL = "new.here@example.org"
# A browser's session was signed in just now, unless a test says when (or None: never recorded, as before it was kept).
JUST_NOW: Any = object()
Answer = dict | list | httpx.Response | Callable[[httpx.Request], Any]


class Services:
    """What the services answer, by "METHOD path"; what was sent to them, in order."""

    def __init__(self, answers: dict[str, Answer] | None = None) -> None:
        self.answers: dict[str, Answer] = dict(answers or {})
        self.sent: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        answer = self.answers.get(f"{request.method} {request.url.path}")
        if callable(answer):
            answer = answer(request)
        if isinstance(answer, httpx.Response):
            return answer
        if answer is None:
            return httpx.Response(500, json={"error": {"code": "unexpected", "message": request.url.path}})
        return httpx.Response(200, json=answer)


def mentoring(person_id: str, approval: str = "approved") -> dict[str, Answer]:
    """Profiles' answer that the person mentors in one program, approved by it (or awaiting its approval)."""
    return {f"GET /v1/people/{person_id}/enrollments": [
        {"id": str(uuid4()), "person_id": person_id, "program_id": str(uuid4()), "role": "mentor", "active": True,
         "pairing_kind": "general", "capacity": 2, "approval": approval, "paused": False, "paused_because": None}]}


def browser(services: Services, person_id: str | None = None, language: str = "en",
            timezone: str = "America/Chicago", chapter_id: UUID | None = None,
            newcomer: bool = False, links: FakeLinks | None = None,
            sessions: FakeSessions | None = None, signed_in_at: datetime | None = JUST_NOW,
            mailer: Any = None, concerns_email: str | None = None,
            stage: str = "undergraduate") -> httpx.AsyncClient:
    """A browser on the web app, signed in as `person_id` when given (with the page token CSRF); `newcomer`:
    signed in by a confirmed address (NEWCOMER_EMAIL), with no profile yet; `links` and `sessions`: the sign-in links
    and the sessions it knows (its own is added); `signed_in_at`: when its session was signed in (just now unless
    said); `mailer`: what takes the emails it sends (else none leave); `concerns_email`: the national team's address
    for worries about a mentorship, if the platform gives one; `stage`: the training stage its session holds."""
    app = build_app(WebSettings.offline(concerns_email=concerns_email))
    if mailer is not None:
        app.state.mailer = mailer
    sessions, links = sessions or FakeSessions(), links or FakeLinks()
    app.state.new_unit_of_work = lambda: FakeUnitOfWork(links=links, sessions=sessions, oidc=FakeOidcAttempts())
    api = ServiceClients({s: f"http://{s}" for s in ("profiles", "matching", "events", "notifications")},
                         ServiceTokens(KEYS.private_pem, 60), 5)
    api._http = HttpxHttp(httpx.AsyncClient(transport=httpx.MockTransport(services.handle)))
    app.state.clients = api
    cookies = {}
    if person_id is not None or newcomer:
        secret = "a-session-" + uuid4().hex
        sessions.rows[digest(secret)] = Session(digest(secret), CSRF, datetime.now(UTC) + timedelta(hours=1),
                                                person_id=UUID(person_id) if person_id else None,
                                                email=None if person_id else NEWCOMER_EMAIL,
                                                stage=stage, language=language, timezone=timezone,
                                                chapter_id=chapter_id,
                                                signed_in_at=datetime.now(UTC) if signed_in_at is JUST_NOW
                                                else signed_in_at)
        cookies[SESSION_COOKIE] = secret
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://web", cookies=cookies,
                             headers={"Accept-Language": language})
