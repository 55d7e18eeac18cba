"""The committed OpenAPI document is the one the code serves."""

import json

from profiles import openapi


def test_the_committed_openapi_document_is_current():
    committed = openapi.DOCUMENT.read_text()
    assert json.loads(committed) == json.loads(openapi.current()), "stale: run `uv run python -m profiles.openapi`"
