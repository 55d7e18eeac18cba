"""The HTTP face every service shares: errors name the field, internals never leak, tokens are checked."""

import asyncio
import io
import json
import logging
from uuid import uuid4

import httpx
import pytest
from fastapi import APIRouter, Depends
from plumbing import auth, correlation
from plumbing.http import ApiError, create_app
from plumbing.logs import JsonFormatter
from plumbing.metrics import Metrics
from plumbing.settings import ServiceSettings
from plumbing.testing import logging_as_it_was
from pydantic import BaseModel, EmailStr, Field

KEYS = auth.SigningKeys.generate()


class FakeService:
    """Starts nothing: the HTTP layer is under test, not the infrastructure."""

    def __init__(self, ready: bool = True) -> None:
        self.settings = ServiceSettings.offline(service_name="fake", jwt_public_key=KEYS.public_pem)
        self.metrics = Metrics("fake")
        self._ready = ready

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def readiness(self) -> dict:
        return {"database": self._ready, "broker": True}


class Signup(BaseModel):
    email: EmailStr
    capacity: int = Field(ge=1, le=10)


router = APIRouter()


@router.post("/signups")
async def signup(body: Signup, caller: auth.Principal = Depends(auth.current_principal)) -> dict:
    if body.capacity == 7:
        raise ApiError(409, "taken", "that capacity is taken", field="capacity")
    if body.capacity == 9:
        raise RuntimeError("database password is hunter2")
    return {"role": caller.role}


def client(service=None) -> httpx.AsyncClient:
    app = create_app(service or FakeService(), [router], title="fake")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False), base_url="http://t")


def bearer(**claims) -> dict:
    return {"Authorization": f"Bearer {auth.mint(KEYS.private_pem, audience='fake', **({'role': 'participant'} | claims))}"}


async def test_bad_input_is_a_422_naming_each_field():
    async with client() as http:
        response = await http.post("/signups", json={"email": "not-an-email", "capacity": 0}, headers=bearer())
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "email"
    assert {e["field"] for e in error["errors"]} == {"email", "capacity"}


async def test_a_refusal_of_the_domain_names_its_field_and_code():
    async with client() as http:
        response = await http.post("/signups", json={"email": "a@example.org", "capacity": 7}, headers=bearer())
    assert response.status_code == 409
    assert response.json() == {"error": {"code": "taken", "message": "that capacity is taken", "field": "capacity"}}


async def test_an_unexpected_error_is_a_500_that_reveals_nothing():
    async with client() as http:
        response = await http.post("/signups", json={"email": "a@example.org", "capacity": 9}, headers=bearer())
    assert response.status_code == 500
    assert "hunter2" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nonsense"},
     {"Authorization": "Bearer " + auth.mint(KEYS.private_pem, audience="fake", role="admin", ttl_seconds=-5)},
     {"Authorization": "Bearer " + auth.mint(auth.SigningKeys.generate().private_pem, audience="fake", role="admin")}],
    ids=["missing", "garbage", "expired", "signed-with-another-key"],
)
async def test_a_request_without_a_valid_token_is_a_401(headers):
    async with client() as http:
        response = await http.post("/signups", json={"email": "a@example.org", "capacity": 1}, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_a_token_names_the_caller_their_person_and_their_chapter():
    person, chapter = uuid4(), uuid4()
    caller = auth.verify(KEYS.public_pem, auth.mint(KEYS.private_pem, audience="fake", role="coordinator",
                                                    person_id=person, chapter_id=chapter), audience="fake")
    assert caller.role is auth.Role.COORDINATOR and caller.is_person(person)
    assert caller.coordinates(chapter) and not caller.coordinates(uuid4()) and not caller.is_admin


async def test_readiness_is_503_until_database_and_broker_answer_and_metrics_are_served():
    async with client(FakeService(ready=False)) as http:
        assert (await http.get("/readyz")).status_code == 503
        assert (await http.get("/healthz")).status_code == 200
        await http.get("/healthz")
        metrics = (await http.get("/metrics")).text
    assert 'http_requests_total{method="GET",route="/healthz",status="200"}' in metrics
    assert "outbox_backlog" in metrics and "consumer_lag" in metrics


async def test_an_instance_that_died_says_which_error_killed_it_on_healthz_without_the_errors_message(tmp_path):
    # Its message may quote a value (a person's address, a row's contents): told as the logs tell errors.
    from plumbing.runtime import Service

    service = Service(ServiceSettings.offline(service_name="fake"), migrations=tmp_path)

    async def a_fault_of_ours() -> None:
        raise ValueError("no contact for ada@example.org")

    service._kafka = asyncio.ensure_future(a_fault_of_ours())
    await asyncio.wait([service._kafka])
    async with client(service) as http:
        answer = await http.get("/healthz")
    assert answer.status_code == 503 and answer.json()["failed"] == {"kafka": "ValueError"}
    assert "ada@example.org" not in answer.text


async def test_a_database_that_refuses_is_said_on_readyz_by_the_errors_kind_without_its_message(tmp_path):
    # A driver's message may name a user or a host: /readyz answers anyone who reaches the port.
    from plumbing.runtime import Service

    class Refusing:
        def acquire(self, timeout: float):
            raise ConnectionRefusedError("connect to db.internal:5432 as ada_admin refused")

    service = Service(ServiceSettings.offline(service_name="fake"), migrations=tmp_path)
    service._pool = Refusing()  # type: ignore[assignment]
    problem = await service._database_problem()
    assert problem is not None and problem.startswith("ConnectionRefusedError")
    assert "ada_admin" not in problem and "db.internal" not in problem


def test_log_lines_are_json_and_drop_fields_that_look_personal():
    record = logging.LogRecord("svc", logging.INFO, __file__, 1, "person registered", None, None)
    record.person_id, record.email, record.display_name = "p-1", "sam@example.org", "Sam"
    line = json.loads(JsonFormatter("profiles").format(record))
    assert line["msg"] == "person registered" and line["person_id"] == "p-1" and line["service"] == "profiles"
    assert "email" not in line and "display_name" not in line


@pytest.fixture
def logging_restored():
    with logging_as_it_was():
        yield


def test_what_the_kafka_framework_logs_is_a_json_line_too(capsys, tmp_path, logging_restored):
    # FastStream gives its loggers coloured handlers of their own: a CRITICAL with its traceback came out as plain
    # text, which the runbook's search for '"level": "critical"' never finds.
    from plumbing import logs
    from plumbing.runtime import Service

    service = Service(ServiceSettings.offline(service_name="fake"), migrations=tmp_path)
    logs.configure("fake")
    service.broker._setup_logger()  # as connecting to Kafka does
    try:
        raise RuntimeError("Commit cannot be completed")
    except RuntimeError as error:
        service.broker.config.logger.log("CommitFailedError", logging.CRITICAL, exc_info=error)
    logging.getLogger("faststream").error("a subscriber stopped")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["level"], line["msg"]) for line in lines] == [("critical", "CommitFailedError"),
                                                                ("error", "a subscriber stopped")]
    assert "Commit cannot be completed" in lines[0]["exc"]


def test_a_log_line_written_while_an_action_is_served_carries_its_correlation_id():
    record = logging.LogRecord("svc", logging.WARNING, __file__, 1, "data keys unavailable; waiting", None, None)
    token = correlation.use("req-42")
    try:
        line = json.loads(JsonFormatter("profiles").format(record))
    finally:
        correlation.reset(token)
    assert line["correlation_id"] == "req-42"
    assert "correlation_id" not in json.loads(JsonFormatter("profiles").format(record)), "none outside an action"


async def test_an_unhandled_error_is_logged_once_with_its_route_method_and_correlation_id():
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter("fake"))
    logging.getLogger().addHandler(handler)
    try:
        async with client() as http:
            response = await http.post("/signups", json={"email": "a@example.org", "capacity": 9},
                                       headers=bearer() | {"X-Correlation-Id": "req-500"})
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.status_code == 500
    (line,) = [entry for entry in map(json.loads, written.getvalue().splitlines()) if entry["msg"] == "unhandled error"]
    assert (line["level"], line["method"], line["route"], line["correlation_id"]) == ("error", "POST", "/signups",
                                                                                      "req-500")
    assert "RuntimeError" in line["exc"]


async def test_every_request_a_service_serves_writes_one_access_line_under_its_correlation_id_naming_its_route():
    # What an operator greps for across the services' logs to follow one action (RUNBOOK.md).
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.setFormatter(JsonFormatter("fake"))
    access = logging.getLogger("plumbing.access")
    access.addHandler(handler)
    level = access.level
    access.setLevel(logging.INFO)
    try:
        async with client() as http:
            await http.post("/signups", json={"email": "a@example.org", "capacity": 7},
                            headers=bearer() | {"X-Correlation-Id": "req-409"})
            await http.get("/no/such/path/0f1e", headers={"X-Correlation-Id": "req-404"})
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    assert [(line["msg"], line["method"], line["route"], line["status"], line["correlation_id"]) for line in lines] == [
        ("request", "POST", "/signups", 409, "req-409"), ("request", "GET", "unmatched", 404, "req-404")]
    assert all(isinstance(line["ms"], float) for line in lines)


def test_a_service_specific_database_url_wins_over_the_generic_one(monkeypatch):
    monkeypatch.setenv("JWT_PUBLIC_KEY", KEYS.public_pem)
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "matching")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "a-password")
    monkeypatch.setenv("DATABASE_URL", "postgresql://generic/db")
    monkeypatch.setenv("MATCHING_DATABASE_URL", "postgresql://matching/db")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example:9093")
    assert ServiceSettings.for_service("matching").database_url == "postgresql://matching/db"
    assert ServiceSettings.for_service("events").database_url == "postgresql://generic/db"


class Overbooked(Exception):
    pass


async def test_a_service_maps_its_own_domain_errors_to_client_errors():
    mapped = APIRouter()

    @mapped.get("/full")
    async def full() -> dict:
        raise Overbooked("no seats left")

    app = create_app(FakeService(), [mapped], title="fake",
                     error_mappers={Overbooked: lambda e: ApiError(409, "overbooked", str(e), field="seats")})
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.get("/full")
    assert response.status_code == 409
    assert response.json()["error"] == {"code": "overbooked", "message": "no seats left", "field": "seats"}


async def test_requests_are_counted_by_route_template_and_status_an_unhandled_error_as_500():
    service = FakeService()
    async with client(service) as http:
        ok = {"email": "a@example.org", "capacity": 2}
        assert (await http.post("/signups", json=ok, headers=bearer())).status_code == 200
        assert (await http.post("/signups", json={**ok, "capacity": 7}, headers=bearer())).status_code == 409
        assert (await http.post("/signups", json={**ok, "capacity": 9}, headers=bearer())).status_code == 500
        assert (await http.get("/people/123")).status_code == 404
    sample = service.metrics.registry.get_sample_value
    for status in ("200", "409", "500"):
        assert sample("http_requests_total", {"method": "POST", "route": "/signups", "status": status}) == 1
    assert sample("http_requests_total", {"method": "GET", "route": "unmatched", "status": "404"}) == 1
    assert sample("http_request_duration_seconds_count", {"method": "POST", "route": "/signups"}) == 3


async def test_each_routes_server_errors_are_counted_from_zero_so_that_the_first_one_shows_as_a_rise():
    # Prometheus' rate() sees no rise in a series that first appears at 1 (deploy/monitoring alerts on 5xx).
    service = FakeService()
    async with client(service) as http:
        before = {status: service.metrics.registry.get_sample_value(
            "http_requests_total", {"method": "POST", "route": "/signups", "status": status}) for status in ("500", "503")}
        await http.post("/signups", json={"email": "a@example.org", "capacity": 9}, headers=bearer())
    assert before == {"500": 0, "503": 0}
    assert service.metrics.registry.get_sample_value(
        "http_requests_total", {"method": "POST", "route": "/signups", "status": "500"}) == 1


async def test_the_unit_of_work_dependency_is_made_on_the_event_loop_not_in_a_worker_thread():
    import threading

    from plumbing.http import unit_of_work

    made_in: list[int] = []
    made = APIRouter()

    @made.get("/made")
    async def made_here(unit: object = Depends(unit_of_work)) -> dict:
        return {"unit": str(unit)}

    app = create_app(FakeService(), [made], title="fake")
    app.state.new_unit_of_work = lambda: made_in.append(threading.get_ident()) or "a unit"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/made")).json() == {"unit": "a unit"}
    assert made_in == [threading.get_ident()]


def test_a_token_found_good_is_not_checked_again_while_it_lives_and_is_checked_again_from_its_expiry(monkeypatch):
    checked: list[str] = []
    real = auth.verify
    monkeypatch.setattr(auth, "verify", lambda key, token, audience: checked.append(token) or real(
        key, token, audience=audience))
    token = auth.mint(KEYS.private_pem, audience="fake", role="participant", person_id=uuid4(), ttl_seconds=60)
    first = auth.verify_kept(KEYS.public_pem, token, audience="fake")
    assert auth.verify_kept(KEYS.public_pem, token, audience="fake") == first
    assert checked == [token]
    with pytest.raises(ApiError):  # the same token for another service: checked, and refused
        auth.verify_kept(KEYS.public_pem, token, audience="other")
    later = auth.time.time() + 61
    monkeypatch.setattr(auth.time, "time", lambda: later)
    auth.verify_kept(KEYS.public_pem, token, audience="fake")  # `verify` refuses it then (its own clock is real)
    assert checked == [token, token, token]


def test_a_token_never_found_good_is_refused_every_time():
    forged = auth.mint(auth.SigningKeys.generate().private_pem, audience="fake", role="admin")
    for _ in range(2):
        with pytest.raises(ApiError):
            auth.verify_kept(KEYS.public_pem, forged, audience="fake")


async def test_the_operational_endpoints_answer_only_requests_that_came_through_no_proxy():
    """Probes and Prometheus reach an instance directly; whatever comes through an ingress (which says whom it
    forwarded for) is someone outside, to whom an instance's figures and state are no business."""
    async with client(FakeService()) as http:
        for path in ("/metrics", "/readyz", "/healthz"):
            assert (await http.get(path)).status_code == 200, path
            outside = await http.get(path, headers={"X-Forwarded-For": "203.0.113.9"})
            assert (outside.status_code, outside.json()["error"]["code"]) == (404, "not_found"), path


async def test_metrics_show_the_process_memory_open_files_and_asyncio_tasks_a_soak_watches():
    async with client(FakeService()) as http:
        metrics = (await http.get("/metrics")).text
    figures = {line.split()[0]: float(line.split()[1]) for line in metrics.splitlines()
               if line and not line.startswith("#")}
    assert figures["process_resident_memory_bytes"] > 1_000_000
    assert figures["process_open_fds"] >= 3
    assert figures["asyncio_tasks"] >= 1  # at least the task answering this request


async def test_a_file_served_by_a_mounted_app_is_counted_under_its_mount_not_with_the_paths_nothing_matched():
    # An operator tells a missing page from a stylesheet by route (the web's static files are a mount).
    async def files(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/css")]})
        await send({"type": "http.response.body", "body": b"main{}"})

    service = FakeService()
    app = create_app(service, [router], title="fake")
    app.mount("/static", files, name="static")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await http.get("/static/site.css")).status_code == 200
        assert (await http.get("/no/such/page")).status_code == 404
    sample = service.metrics.registry.get_sample_value
    assert sample("http_requests_total", {"method": "GET", "route": "/static/{path}", "status": "200"}) == 1
    assert sample("http_requests_total", {"method": "GET", "route": "unmatched", "status": "404"}) == 1
