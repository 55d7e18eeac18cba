"""The FULL_TRANSITIVE check, on schemas exported from pydantic models as the contracts are.

Each test states a change to an event and the breaks Confluent Schema Registry would report for it,
as (direction, kind, path): "backward" when the new schema reads data written under the old one,
"forward" when the old schema reads data written under the new one.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

import pytest
from mentorship_contracts.compatibility import Incompatibility, check_backward, check_full_transitive
from pydantic import BaseModel, ConfigDict, Field, create_model

FIXTURES = Path(__file__).parent / "fixtures" / "compatibility"


class Event(BaseModel):
    """Configured like the integration events: immutable, unknown fields ignored (an open content model)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


def schema(model: type[BaseModel]) -> dict:
    # As the contracts export them.
    return model.model_json_schema(mode="serialization")


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def breaks(new: type[BaseModel] | dict, *previous: type[BaseModel] | dict) -> set[tuple[str, str, str]]:
    as_schema = [m if isinstance(m, dict) else schema(m) for m in (new, *previous)]
    return {(p.direction, p.kind, p.path) for p in check_full_transitive(as_schema[0], as_schema[1:])}


class Stage(StrEnum):
    HIGH_SCHOOL = "high_school"
    UNDERGRADUATE = "undergraduate"


class StageWithResident(StrEnum):
    HIGH_SCHOOL = "high_school"
    UNDERGRADUATE = "undergraduate"
    RESIDENT = "resident"


class Mentor(Event):
    mentor_id: UUID
    years_in_practice: int


class MentorWithYearsAsText(Event):
    mentor_id: UUID
    years_in_practice: str


class Node(Event):
    label: str
    children: list[Node] = []


class Everything(Event):
    """A field of each common shape pydantic emits."""

    event_type: Literal["test.everything"] = "test.everything"
    event_id: UUID
    stage: Stage
    mentor: Mentor
    backup: Mentor | None = None
    mentors: list[Mentor]
    tags: set[str]
    scores: dict[str, float]
    window: tuple[int, int]
    note: str | None = Field(default=None, max_length=280, pattern=r"^\S")
    rating: float = Field(ge=0, le=5, multiple_of=0.5)
    tree: Node
    anything: Any = None


def test_a_schema_is_fully_compatible_with_itself():
    assert breaks(Everything, Everything) == set()


def test_changing_titles_descriptions_and_defaults_is_fully_compatible():
    class Before(Event):
        seats: int = Field(default=10, description="Seats offered")

    class After(Event):
        seats: int = Field(default=12, title="Places", description="Places offered to mentees")

    assert breaks(After, Before) == set()


def test_adding_an_optional_field_to_an_open_event_breaks_backward_as_in_confluent():
    # v1 is open, so a v1 producer may already have sent a "nickname" of any type.
    class V1(Event):
        person_id: UUID

    class V2(Event):
        person_id: UUID
        nickname: str | None = None

    assert breaks(V2, V1) == {("backward", "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/nickname")}


def test_adding_an_optional_field_is_fully_compatible_when_typed_extras_cover_it():
    class V1(BaseModel):
        model_config = ConfigDict(frozen=True, extra="allow")
        __pydantic_extra__: dict[str, str | None]
        person_id: UUID

    class V2(V1):
        nickname: str | None = None

    assert breaks(V2, V1) == set()


def test_adding_an_optional_field_to_a_closed_event_breaks_forward():
    class V1(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid")
        person_id: UUID

    class V2(V1):
        nickname: str | None = None

    assert breaks(V2, V1) == {("forward", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/nickname")}


def test_adding_a_required_field_with_a_default_to_a_closed_event_breaks_forward_only():
    # Exported in serialization mode, a field with a default can be required: the writer always sends it.
    class V1(BaseModel):
        model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)
        person_id: UUID

    class V2(V1):
        seats: int = 1

    assert breaks(V2, V1) == {("forward", "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "#/properties/seats")}


def test_removing_a_field_the_typed_extras_do_not_cover_breaks_both_directions():
    class V1(BaseModel):
        model_config = ConfigDict(frozen=True, extra="allow")
        __pydantic_extra__: dict[str, str | None]
        person_id: UUID
        seats: int

    class V2(BaseModel):
        model_config = ConfigDict(frozen=True, extra="allow")
        __pydantic_extra__: dict[str, str | None]
        person_id: UUID

    seats = "#/properties/seats"
    assert breaks(V2, V1) == {
        ("backward", "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", seats),
        ("backward", "TYPE_CHANGED", seats),
        ("forward", "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", seats),
        ("forward", "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", seats),
        ("forward", "TYPE_CHANGED", seats),
    }


def test_adding_a_field_that_accepts_anything_is_fully_compatible():
    class V1(Event):
        person_id: UUID

    class V2(V1):
        context: Any = None

    assert breaks(V2, V1) == set()


def test_adding_a_required_field_breaks_backward():
    class V1(Event):
        person_id: UUID

    class V2(V1):
        chapter_id: UUID

    assert breaks(V2, V1) == {("backward", "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/chapter_id")}


def test_removing_a_required_field_breaks_forward():
    class V1(Event):
        person_id: UUID
        chapter_id: UUID

    class V2(Event):
        person_id: UUID

    assert breaks(V2, V1) == {("forward", "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/chapter_id")}


def test_changing_a_fields_type_breaks_both_directions():
    class V1(Event):
        capacity: int

    class V2(Event):
        capacity: str

    assert breaks(V2, V1) == {
        ("backward", "TYPE_CHANGED", "#/properties/capacity"),
        ("forward", "TYPE_CHANGED", "#/properties/capacity"),
    }


def test_widening_an_int_to_a_float_breaks_forward_only():
    class V1(Event):
        score: int

    class V2(Event):
        score: float

    assert breaks(V2, V1) == {("forward", "TYPE_NARROWED", "#/properties/score")}


def test_adding_an_enum_value_breaks_forward():
    class V1(Event):
        stage: Stage

    class V2(Event):
        stage: StageWithResident

    assert breaks(V2, V1) == {("forward", "ENUM_ARRAY_NARROWED", "#/properties/stage/enum")}


def test_removing_an_enum_value_breaks_backward():
    class V1(Event):
        stage: StageWithResident

    class V2(Event):
        stage: Stage

    assert breaks(V2, V1) == {("backward", "ENUM_ARRAY_NARROWED", "#/properties/stage/enum")}


def test_changing_a_literal_breaks_both_directions():
    class V1(Event):
        channel: Literal["email"]

    class V2(Event):
        channel: Literal["sms"]

    assert breaks(V2, V1) == {
        ("backward", "ENUM_ARRAY_CHANGED", "#/properties/channel/const"),
        ("forward", "ENUM_ARRAY_CHANGED", "#/properties/channel/const"),
    }


def test_bumping_the_schema_version_literal_breaks_both_directions():
    # An old consumer's schema admits only its own schema_version.
    class V1(Event):
        schema_version: Literal[1] = 1

    class V2(Event):
        schema_version: Literal[2] = 2

    assert {(direction, kind) for direction, kind, _ in breaks(V2, V1)} == {
        ("backward", "ENUM_ARRAY_CHANGED"),
        ("forward", "ENUM_ARRAY_CHANGED"),
    }


def test_making_an_optional_field_required_breaks_backward():
    class V1(Event):
        location: str | None = None

    class V2(Event):
        location: str

    assert breaks(V2, V1) == {
        ("backward", "REQUIRED_ATTRIBUTE_ADDED", "#/properties/location"),
        ("backward", "TYPE_CHANGED", "#/properties/location"),
    }


def test_making_a_field_nullable_breaks_forward():
    class V1(Event):
        location: str

    class V2(Event):
        location: str | None

    assert breaks(V2, V1) == {("forward", "TYPE_CHANGED", "#/properties/location")}


@pytest.mark.parametrize(
    ("before", "after", "path"),
    [
        (Mentor, MentorWithYearsAsText, "#/properties/mentor/properties/years_in_practice"),
        (Mentor | None, MentorWithYearsAsText | None, "#/properties/mentor/anyOf/0/properties/years_in_practice"),
        (list[Mentor], list[MentorWithYearsAsText], "#/properties/mentor/items/properties/years_in_practice"),
    ],
)
def test_a_change_in_a_nested_model_is_reported_at_the_nested_field(before: Any, after: Any, path: str):
    # The nested models sit in $defs, under different names: only their content counts.
    v1 = create_model("V1", __base__=Event, mentor=(before, ...))
    v2 = create_model("V2", __base__=Event, mentor=(after, ...))
    assert breaks(v2, v1) == {("backward", "TYPE_CHANGED", path), ("forward", "TYPE_CHANGED", path)}


def test_a_change_in_a_recursive_model_is_reported_once():
    class Tree(Event):
        label: int
        children: list[Tree] = []

    assert breaks(Node, Tree) == {
        ("backward", "TYPE_CHANGED", "#/properties/label"),
        ("forward", "TYPE_CHANGED", "#/properties/label"),
    }


def test_adding_a_member_to_a_discriminated_union_breaks_forward():
    class Video(Event):
        channel: Literal["video"] = "video"
        url: str

    class Phone(Event):
        channel: Literal["phone"] = "phone"
        number: str

    class V1(Event):
        where: Video = Field(discriminator="channel")

    class V2(Event):
        where: Video | Phone = Field(discriminator="channel")

    assert breaks(V2, V1) == {("forward", "TYPE_CHANGED", "#/properties/where")}


def test_removing_a_member_from_a_union_breaks_backward():
    class V1(Event):
        reference: int | str | None

    class V2(Event):
        reference: int | None

    assert breaks(V2, V1) == {("backward", "SUM_TYPE_NARROWED", "#/properties/reference")}


def test_a_change_inside_one_member_of_a_union_is_reported_at_that_member():
    class Video(Event):
        channel: Literal["video"] = "video"
        url: str

    class VideoByRoom(Event):
        channel: Literal["video"] = "video"
        url: int

    class Phone(Event):
        channel: Literal["phone"] = "phone"
        number: str

    class V1(Event):
        where: Video | Phone = Field(discriminator="channel")

    class V2(Event):
        where: VideoByRoom | Phone = Field(discriminator="channel")

    url = "#/properties/where/oneOf/0/properties/url"
    assert breaks(V2, V1) == {("backward", "TYPE_CHANGED", url), ("forward", "TYPE_CHANGED", url)}


def test_a_reader_may_loosen_constraints_but_not_tighten_them():
    class Loose(Event):
        title: str = Field(max_length=200)
        capacity: int = Field(ge=1)
        chapter_id: str

    class Tight(Event):
        title: str = Field(max_length=80, pattern=r"^\S")
        capacity: int = Field(ge=1, le=500)
        chapter_id: UUID

    assert {(p.kind, p.path) for p in check_backward(reader=schema(Tight), writer=schema(Loose))} == {
        ("MAX_LENGTH_DECREASED", "#/properties/title/maxLength"),
        ("PATTERN_ADDED", "#/properties/title/pattern"),
        ("MAXIMUM_ADDED", "#/properties/capacity/maximum"),
        ("FORMAT_ADDED", "#/properties/chapter_id/format"),
    }
    assert check_backward(reader=schema(Loose), writer=schema(Tight)) == []


def test_check_backward_takes_the_reader_first():
    class Fewer(Event):
        stage: Stage

    class More(Event):
        stage: StageWithResident

    assert check_backward(reader=schema(More), writer=schema(Fewer)) == []
    [problem] = check_backward(reader=schema(Fewer), writer=schema(More))
    assert problem == Incompatibility(
        path="#/properties/stage/enum",
        kind="ENUM_ARRAY_NARROWED",
        direction="backward",
        detail='the writer may send "resident", which the reader does not allow',
    )
    assert str(problem) == f"backward #/properties/stage/enum ENUM_ARRAY_NARROWED: {problem.detail}"


def test_a_change_compatible_with_v2_but_not_with_v1_is_caught():
    # Published v1 and v2 were exported from pydantic models, v2 with json_schema_serialization_defaults_required.
    # v1: "seats" optional. v2: required with a default, which a v2 reader fills in for v1 data
    # (Confluent: compatible both ways). v3 drops the default: fine for v2 data, which always
    # carries "seats", but v1 data may lack it.
    class CohortOpened(Event):
        cohort_id: UUID
        seats: int

    v1, v2 = fixture("cohort_opened_v1.json"), fixture("cohort_opened_v2.json")
    assert breaks(v2, v1) == set()
    assert breaks(CohortOpened, v2) == set()
    assert breaks(CohortOpened, v1, v2) == {("backward", "REQUIRED_ATTRIBUTE_ADDED", "#/properties/seats")}
    [problem] = check_full_transitive(schema(CohortOpened), [v1, v2])
    assert problem.detail.endswith("(new schema reading previous[0]'s data)")


def test_the_breaking_fixture_pair_is_rejected():
    # Both exported from pydantic models. v2 turns duration_minutes into text, narrows format to "video",
    # and replaces the nested mentor's display_name with a required email.
    assert breaks(fixture("breaking_v2.json"), fixture("breaking_v1.json")) == {
        ("backward", "TYPE_CHANGED", "#/properties/duration_minutes"),
        ("forward", "TYPE_CHANGED", "#/properties/duration_minutes"),
        ("backward", "ENUM_ARRAY_NARROWED", "#/properties/format/const"),
        ("backward", "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/mentor/properties/email"),
        ("forward", "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "#/properties/mentor/properties/display_name"),
    }


def test_a_keyword_the_check_does_not_model_is_refused_rather_than_passed():
    writer = {"type": "object", "properties": {"code": {"type": "string", "not": {"const": ""}}}}
    with pytest.raises(ValueError, match=r"does not support not$"):
        check_backward(reader=writer, writer=writer)
