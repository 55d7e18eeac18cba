"""Text PostgreSQL cannot store (a NUL, U+0000) is refused by every service where it comes in, naming the field,
whatever type a route gave it: never a 5xx once it reaches the database."""

import httpx
import pytest
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse
from plumbing.http import create_app
from plumbing.metrics import Metrics
from plumbing.settings import ServiceSettings
from pydantic import BaseModel


class FakeService:
    def __init__(self) -> None:
        self.settings = ServiceSettings.offline(service_name="fake")
        self.metrics = Metrics("fake-unstorable")

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def readiness(self) -> dict:
        return {"database": True}


class Answer(BaseModel):
    value: str


class Profile(BaseModel):
    bio: str = ""
    answers: list[Answer] = []
    labels: dict[str, str] = {}


router = APIRouter()


# Plain `str` throughout: a route that forgot `plumbing.validation.Text` is covered all the same.
@router.get("/people")
async def search(q: str = "") -> dict:
    return {"q": q}


@router.get("/people/{name}")
async def person(name: str) -> dict:
    return {"name": name}


@router.put("/profile")
async def profile(body: Profile) -> Profile:
    return body


@router.get("/chapters")
async def chapters() -> list[str]:
    return []


async def answer(method: str, path: str, app=None, **kwargs) -> httpx.Response:
    app = app or create_app(FakeService(), [router], title="fake")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)


def refusal(field: str) -> dict:
    message = f"the field {field} holds a character that cannot be stored (NUL)"
    return {"error": {"code": "invalid_character", "message": message, "field": field,
                      "errors": [{"field": field, "message": message}]}}


async def test_a_nul_in_a_query_parameter_is_refused_naming_the_parameter():
    response = await answer("GET", "/people?q=Ana%00")
    assert (response.status_code, response.json()) == (422, refusal("q"))


async def test_a_nul_in_a_path_parameter_is_refused_naming_the_parameter():
    response = await answer("GET", "/people/Ana%00")
    assert (response.status_code, response.json()) == (422, refusal("name"))


@pytest.mark.parametrize("body, field", [
    ({"bio": "line one\nline\x00two"}, "bio"),
    ({"answers": [{"value": "fine"}, {"value": "\x00"}]}, "answers.1.value"),
    ({"labels": {"colour\x00": "red"}}, "labels"),  # a name holding one: the object it names a member of
    ({"bio\x00": "x"}, "body"),
], ids=["a string", "a string in a list of objects", "a name in an object", "a name at the top"])
async def test_a_nul_anywhere_in_a_json_body_is_refused_naming_where_it_is(body, field):
    response = await answer("PUT", "/profile", json=body)
    assert (response.status_code, response.json()) == (422, refusal(field))


async def test_every_field_holding_a_nul_is_listed_the_first_named():
    response = await answer("PUT", "/profile", json={"bio": "\x00", "answers": [{"value": "\x00"}]})
    error = response.json()["error"]
    assert (error["field"], [e["field"] for e in error["errors"]]) == ("bio", ["bio", "answers.0.value"])


async def test_text_that_only_looks_like_an_escaped_nul_is_kept():
    response = await answer("PUT", "/profile", json={"bio": "\\u0000 and %00"})
    assert (response.status_code, response.json()["bio"]) == (200, "\\u0000 and %00")
    searched = await answer("GET", "/people", params={"q": "\\u0000"})
    assert (searched.status_code, searched.json()) == (200, {"q": "\\u0000"})


async def test_a_parameter_no_route_reads_is_ignored_as_any_unknown_one_is():
    response = await answer("GET", "/chapters?junk=%00")
    assert response.status_code == 200


async def test_an_app_with_its_own_answer_to_bad_input_gives_it_for_a_nul_too():
    # The web answers a page for a mistyped address: the refusal comes through the app's handler of bad input.
    app = create_app(FakeService(), [router], title="fake")

    @app.exception_handler(RequestValidationError)
    async def own(_: Request, error: RequestValidationError) -> PlainTextResponse:
        return PlainTextResponse(" ".join(".".join(map(str, e["loc"])) for e in error.errors()), 400)

    response = await answer("GET", "/people?q=%00", app=app)
    assert (response.status_code, response.text) == (400, "query.q")
