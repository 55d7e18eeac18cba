"""Every event version is exported as JSON Schema and committed, and today's models are compatible with all of them."""

import json
import shutil
from typing import Literal
from uuid import UUID

from mentorship_contracts import schemas
from mentorship_contracts.envelope import IntegrationEvent


def test_every_event_version_is_committed_and_fully_transitively_compatible():
    assert schemas.problems() == []


def test_a_breaking_change_to_a_published_event_is_caught(tmp_path):
    class PairingScored(IntegrationEvent):
        topic = "matching.pairings"
        key_field = "pairing_id"
        event_type: Literal["test.pairing_scored"] = "test.pairing_scored"
        schema_version: Literal[1] = 1
        producer: str = "matching"
        pairing_id: UUID
        score: int

    published = tmp_path / "test.pairing_scored"
    published.mkdir()
    (published / "v1.json").write_text(json.dumps(schemas.schema_of(PairingScored)))

    class PairingScoredBroken(PairingScored):  # same type and version, but the score became text and a field is required
        score: str  # type: ignore[assignment]
        reviewer_id: UUID

    found = schemas.problems(tmp_path, models=[PairingScoredBroken])
    assert found and any("score" in problem for problem in found) and any("reviewer_id" in problem for problem in found)


def test_an_event_version_not_yet_exported_is_reported(tmp_path):
    shutil.copytree(schemas.SCHEMAS_DIR, tmp_path, dirs_exist_ok=True)
    shutil.rmtree(tmp_path / "profiles.person_registered")
    assert any("profiles.person_registered" in p for p in schemas.problems(tmp_path))


def _scored(version: int, description: str = "How well they fit"):
    from pydantic import Field

    class PairingScored(IntegrationEvent):
        topic = "matching.pairings"
        key_field = "pairing_id"
        event_type: Literal["test.pairing_scored"] = "test.pairing_scored"
        schema_version: Literal[version] = version  # type: ignore[valid-type]
        producer: str = "matching"
        pairing_id: UUID
        score: int = Field(description=description)

    return PairingScored


def test_a_compatible_change_to_a_version_is_exported_as_a_new_revision_of_it(tmp_path, monkeypatch):
    monkeypatch.setattr(schemas, "registered_events", lambda: [_scored(1)])
    assert [p.name for p in schemas.export(tmp_path)] == ["v1.json"]
    monkeypatch.setattr(schemas, "registered_events", lambda: [_scored(1, "Fit, from 0 to 100")])
    assert [p.name for p in schemas.export(tmp_path)] == ["v1.r2.json"]
    assert schemas.problems(tmp_path, models=[_scored(1, "Fit, from 0 to 100")]) == []


def test_a_compatible_change_not_yet_exported_is_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(schemas, "registered_events", lambda: [_scored(1)])
    schemas.export(tmp_path)
    # A new value said in a description (as a code of a fixed list is): integrators read the committed file.
    [problem] = schemas.problems(tmp_path, models=[_scored(1, "How well they fit, or not_scored")])
    assert "v1.json: older than the model's schema" in problem


def test_a_new_version_is_its_own_contract_and_is_not_held_to_the_old_one(tmp_path, monkeypatch):
    monkeypatch.setattr(schemas, "registered_events", lambda: [_scored(1)])
    schemas.export(tmp_path)

    class PairingScoredV2(_scored(2)):
        reviewer_id: UUID  # a new required field: breaking for v1, fine as v2

    monkeypatch.setattr(schemas, "registered_events", lambda: [_scored(1), PairingScoredV2])
    assert [p.name for p in schemas.export(tmp_path)] == ["v2.json"]
    assert schemas.problems(tmp_path, models=[_scored(1), PairingScoredV2]) == []
