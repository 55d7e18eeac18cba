"""A logged error's traceback (the runbook has operators paste "unhandled error" lines into tickets) keeps what
finds the fault, the exception types and the stack frames, and leaves out the messages, which may quote a person's
name, address or identity: a validation error says which field and what kind of problem, a database error its state
and constraint."""

import json
import logging
import sys

import asyncpg
import pytest
from fastapi.exceptions import ResponseValidationError
from plumbing.logs import JsonFormatter
from pydantic import BaseModel, ValidationError

NAME, EMAIL = "Alice Example", "alice@example.org"


def logged(error: BaseException) -> dict:
    """The JSON line `log.exception` writes while `error` is handled."""
    try:
        raise error
    except BaseException:  # noqa: BLE001 - whatever is logged, groups included
        record = logging.LogRecord("web", logging.ERROR, __file__, 1, "unhandled error", None, sys.exc_info())
    return json.loads(JsonFormatter("web").format(record))


def assert_nothing_personal(text: str) -> None:
    for value in (NAME, EMAIL, "alice", "input_value"):
        assert value.lower() not in text.lower(), text


class Person(BaseModel):
    display_name: int
    email: int


def save_person(display_name: str, email: str) -> Person:
    return Person.model_validate({"display_name": display_name, "email": email})


def test_a_validation_error_keeps_its_frames_fields_and_kinds_of_problem_and_no_input():
    with pytest.raises(ValidationError) as raised:
        save_person(NAME, EMAIL)
    exc = logged(raised.value)["exc"]
    assert_nothing_personal(exc)
    assert "Traceback (most recent call last)" in exc and "in save_person" in exc
    assert "ValidationError" in exc and "display_name" in exc and "email" in exc and "int_parsing" in exc


def unique_violation() -> asyncpg.UniqueViolationError:
    return asyncpg.UniqueViolationError.new({
        "M": 'duplicate key value violates unique constraint "people_email_key"', "C": "23505",
        "D": f"Key (lower(email))=({EMAIL}) already exists.", "s": "public", "t": "people", "n": "people_email_key"})


def test_a_database_error_keeps_its_type_state_and_constraint_and_not_the_detail_quoting_the_row():
    exc = logged(unique_violation())["exc"]
    assert_nothing_personal(exc)
    assert "UniqueViolationError" in exc and "23505" in exc and "people_email_key" in exc
    assert "DETAIL" not in exc


def register(email: str) -> None:
    try:
        raise unique_violation()
    except asyncpg.UniqueViolationError as error:
        raise RuntimeError(f"could not register {email}") from error


def test_an_error_raised_from_another_keeps_both_types_and_frames_and_neither_message():
    with pytest.raises(RuntimeError) as raised:
        register(EMAIL)
    exc = logged(raised.value)["exc"]
    assert_nothing_personal(exc)
    assert "direct cause of the following exception" in exc
    assert exc.index("UniqueViolationError") < exc.index("RuntimeError") and "in register" in exc


def notify(name: str) -> None:
    people: dict[str, str] = {}
    try:
        people[EMAIL]
    except KeyError:
        raise ValueError(f"nobody called {name}")  # noqa: B904 - the implicit context is what is tested


def test_an_error_raised_while_handling_another_keeps_both_types_and_neither_message():
    with pytest.raises(ValueError) as raised:
        notify(NAME)
    exc = logged(raised.value)["exc"]
    assert_nothing_personal(exc)
    assert "During handling of the above exception, another exception occurred" in exc
    assert exc.index("KeyError") < exc.index("ValueError") and "in notify" in exc


def test_a_response_that_fails_its_model_is_logged_by_field_and_kind_never_by_its_content():
    error = ResponseValidationError([{"type": "string_type", "loc": ("response", "email"), "msg":
                                      "Input should be a valid string", "input": {"email": [EMAIL], "name": NAME}}],
                                    body={"email": [EMAIL], "name": NAME})
    exc = logged(error)["exc"]
    assert_nothing_personal(exc)
    assert "ResponseValidationError" in exc and "response.email" in exc and "string_type" in exc


def test_a_group_of_errors_keeps_each_type_and_no_message():
    exc = logged(ExceptionGroup("while serving", [LookupError(EMAIL), ValueError(NAME)]))["exc"]
    assert_nothing_personal(exc)
    assert "ExceptionGroup" in exc and "LookupError" in exc and "ValueError" in exc


def test_the_lines_message_and_ids_are_kept():
    entry = logged(ValueError(EMAIL))
    assert entry["msg"] == "unhandled error" and entry["level"] == "error" and "ValueError" in entry["exc"]
