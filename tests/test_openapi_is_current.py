"""Each service's committed OpenAPI document is what its code describes today, and says everything it answers."""

import json
from pathlib import Path

import pytest
from plumbing import openapi

SERVICES = sorted(p.parent.name for p in (Path(__file__).resolve().parents[1] / "services").glob("*/pyproject.toml"))


@pytest.mark.parametrize("service", SERVICES)
def test_the_committed_openapi_document_is_up_to_date(service):
    committed = openapi.committed_path(service)
    assert committed.exists(), f"{committed} is not committed: run `uv run python -m plumbing.openapi {service}`"
    assert committed.read_text() == openapi.current(service), (
        f"{committed} is out of date: run `uv run python -m plumbing.openapi {service}` and commit the result"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_the_openapi_document_types_every_answer_and_documents_every_error(service):
    assert openapi.problems(json.loads(openapi.current(service))) == []
