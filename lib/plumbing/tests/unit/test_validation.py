"""Input types refuse what would break a service later, and name why."""

import json
from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

import pytest
from plumbing.errors import Invalid
from plumbing.validation import (
    IDS_AT_ONCE,
    NUL_PATHS_AT_MOST,
    Limit,
    Moment,
    MultilineText,
    Offset,
    Text,
    comma_separated_ids,
    nul_paths,
)
from pydantic import BaseModel, Field, ValidationError


class Form(BaseModel):
    name: Annotated[str, Text(20)] = "x"
    notes: Annotated[str, MultilineText(50)] = ""
    at: Moment = datetime(2026, 1, 1, tzinfo=UTC)
    offset: Offset = 0
    limit: Limit = 10


@pytest.mark.parametrize("name", ["a\x00b", "a\r\nBcc: x", "line\nbreak", "tab\there", "sep\u2028"])
def test_a_one_line_text_refuses_control_characters(name):
    with pytest.raises(ValidationError, match="control characters"):
        Form(name=name)


def test_a_lone_surrogate_is_refused_before_it_reaches_the_database():
    with pytest.raises(ValidationError):  # pydantic refuses it as JSON, or as a string
        Form.model_validate_json('{"name": "\\ud800"}')


def test_a_multiline_text_keeps_its_line_breaks_but_refuses_other_control_characters():
    assert Form(notes="first\r\nsecond\tthird").notes == "first\nsecond\tthird"
    with pytest.raises(ValidationError, match="control characters"):
        Form(notes="a\x00b")


def test_texts_have_a_length_bound():
    with pytest.raises(ValidationError, match="at most 20 characters"):
        Form(name="x" * 21)


@pytest.mark.parametrize("field, value", [("offset", 9223372036854775808), ("offset", -1), ("limit", 0),
                                          ("limit", 10_000), ("at", "9999-01-01T00:00:00Z"),
                                          ("at", "2026-01-01T00:00:00")])
def test_numbers_and_times_have_ranges(field, value):
    with pytest.raises(ValidationError):
        Form(**{field: value})


def test_a_sized_text_combines_with_other_constraints():
    class Named(BaseModel):
        name: Annotated[str, Text(20)] = Field(min_length=1)

    with pytest.raises(ValidationError, match="at least 1 character"):
        Named(name="")
    with pytest.raises(ValidationError, match="control characters"):
        Named(name="a\x00")


def test_ids_named_in_a_query_are_read_once_each_in_their_order_and_a_bad_one_or_too_many_is_refused_by_field():
    a, b = uuid4(), uuid4()
    assert comma_separated_ids(f" {a}, {b},,{a} ") == [a, b]
    assert comma_separated_ids("") == []
    with pytest.raises(Invalid) as bad:
        comma_separated_ids(f"{a},not-an-id", field="mentor_ids")
    assert bad.value.field == "mentor_ids"
    with pytest.raises(Invalid) as many:
        comma_separated_ids(",".join(str(uuid4()) for _ in range(IDS_AT_ONCE + 1)))
    assert many.value.field == "ids"


def test_the_nuls_of_a_body_are_found_however_deep_and_the_first_few_named():
    deep = json.loads("[" * 800 + '{"a\\u0000": "\\u0000"}' + "]" * 800)  # about as deep as JSON parses (~1,000)
    assert nul_paths(deep) == [(0,) * 800, (0,) * 800 + ("a\x00",)]
    assert nul_paths({"many": ["\x00"] * 100_000}) == [("many", i) for i in range(NUL_PATHS_AT_MOST)]
