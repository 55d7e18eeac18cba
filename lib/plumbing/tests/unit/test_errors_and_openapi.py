"""One error model: a domain error answers with its kind's status and its own code, and the OpenAPI document says
so for every operation."""

from uuid import UUID

import httpx
import pytest
from fastapi import APIRouter, Depends
from plumbing import auth
from plumbing.errors import Conflict, DomainError, NotFound
from plumbing.http import answers, create_app
from plumbing.metrics import Metrics
from plumbing.openapi import problems
from plumbing.settings import ServiceSettings
from pydantic import BaseModel


class FakeService:
    def __init__(self) -> None:
        self.settings = ServiceSettings.offline(service_name="fake")
        self.metrics = Metrics("fake-errors")

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def readiness(self) -> dict:
        return {"database": True}


class SeatTaken(Conflict, code="seat_taken"):
    pass


class Seat(BaseModel):
    id: UUID
    row: int


router = APIRouter()


@router.get("/seats/{seat_id}")
async def get_seat(seat_id: UUID) -> Seat:
    raise NotFound("no such seat", field="seat_id")


@router.post("/seats/{seat_id}/book", responses=answers(409))
async def book(seat_id: UUID, caller: auth.Principal = Depends(auth.current_principal)) -> Seat:
    raise SeatTaken("that seat is taken", field="seat_id")


@router.post("/seats/{seat_id}/release", responses=answers(409, seals=True))
async def release(seat_id: UUID) -> Seat:
    raise SeatTaken("that seat is taken", field="seat_id")


@router.get("/seats")
async def list_seats() -> list[Seat]:
    return []


@router.put("/seats/{seat_id}")
async def place_seat(seat_id: UUID, seat: Seat) -> Seat:
    return seat


def app():
    return create_app(FakeService(), [router], title="fake")


async def answer(method: str, path: str, **kwargs) -> httpx.Response:
    transport = httpx.ASGITransport(app=app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)


async def test_a_domain_error_answers_with_its_kinds_status_its_code_and_the_field():
    response = await answer("GET", "/seats/7f0c1f6e-3b4a-4f55-9d6a-6f1a1b2c3d4e")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "no such seat", "field": "seat_id"}}


def test_an_error_class_must_name_a_snake_case_code():
    with pytest.raises(TypeError, match="must name its error code"):
        type("Unnamed", (Conflict,), {})
    with pytest.raises(TypeError, match="not snake_case"):
        class Camel(DomainError, code="SeatTaken"):
            pass


async def test_malformed_json_names_the_body_not_a_character_offset():
    response = await answer("POST", "/seats", content=b'{"row": 1,', headers={"content-type": "application/json"})
    assert response.status_code in (404, 405)  # no such route: the error body still comes in our shape
    assert "error" in response.json()
    router_app = app()

    @router_app.post("/echo")
    async def echo(seat: Seat) -> Seat:
        return seat

    transport = httpx.ASGITransport(app=router_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/echo", content=b'{"row": 1,', headers={
            "content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "body"


async def test_every_answer_carries_a_correlation_id_and_keeps_an_acceptable_one_given():
    given = await answer("GET", "/seats", headers={"x-correlation-id": "signup-42"})
    assert given.headers["x-correlation-id"] == "signup-42"
    made = await answer("GET", "/seats", headers={"x-correlation-id": "not acceptable " * 10})
    assert UUID(made.headers["x-correlation-id"])


def test_the_openapi_document_shows_every_error_answer_with_the_real_error_body():
    document = app().openapi()
    operations = document["paths"]
    assert set(operations["/seats/{seat_id}"]["get"]["responses"]) == {"200", "404", "422", "503"}
    assert set(operations["/seats/{seat_id}/book"]["post"]["responses"]) == {"200", "401", "403", "404", "409", "422",
                                                                             "503"}
    assert set(operations["/seats"]["get"]["responses"]) == {"200", "503"}
    assert set(operations["/seats/{seat_id}"]["put"]["responses"]) == {"200", "404", "413", "422", "503"}
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert problems(document) == []


def test_the_document_says_any_operation_may_be_answered_503_with_when_to_try_again():
    """A client must know that a database restart answers 503 with Retry-After, and which codes say whether the
    change may have been made."""
    for operations in app().openapi()["paths"].values():
        for operation in operations.values():
            unavailable = operation["responses"]["503"]
            assert unavailable["headers"]["Retry-After"]["schema"]["type"] == "integer"
            assert "commit_outcome_unknown" in unavailable["description"]


def test_only_an_operation_whose_change_is_sealed_with_a_key_from_profiles_says_profiles_may_be_unavailable():
    paths = app().openapi()["paths"]
    meaning = {(method, path): operation["responses"]["503"]["description"]
               for path, operations in paths.items() for method, operation in operations.items()}
    assert [at for at, said in meaning.items() if "profiles_unavailable" in said] == [
        ("post", "/seats/{seat_id}/release")]
    assert all("commit_outcome_unknown" in said for said in meaning.values())


def test_an_operation_without_a_typed_answer_is_a_problem_of_the_document():
    untyped = APIRouter()

    @untyped.get("/anything")
    async def anything():
        return {}

    document = create_app(FakeService(), [untyped], title="fake").openapi()
    assert problems(document) == ["GET /anything: 200 has no response schema"]


async def test_a_body_over_the_limit_is_refused_naming_the_body_before_it_is_read_whole():
    limited = app()

    @limited.post("/topics")
    async def topic(seat: Seat) -> Seat:
        return seat

    transport = httpx.ASGITransport(app=limited, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/topics", content=b'{"id": "' + b"x" * (2 * 1024 * 1024) + b'"}',
                                     headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == {"code": "body_too_large", "message": "the request body is over 1048576 bytes",
                                        "field": "body"}
