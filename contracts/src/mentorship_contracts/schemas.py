"""Export each event's JSON Schema, and check the models against every committed version.

Layout: `contracts/schemas/<event_type>/v<schema_version>.json`. A committed file is a published
contract: it is never edited. A model whose schema differs from its committed file must still be
FULL_TRANSITIVE compatible with every committed version of the same event type.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import compatibility
from .envelope import IntegrationEvent, registered_events

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


def schema_of(model: type[IntegrationEvent]) -> dict:
    return model.model_json_schema(mode="serialization")


def _path(directory: Path, model: type[IntegrationEvent]) -> Path:
    event_type = model.model_fields["event_type"].default
    version = model.model_fields["schema_version"].default
    return directory / event_type / f"v{version}.json"


def _render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def export(directory: Path = SCHEMAS_DIR) -> list[Path]:
    """Write the schema of every event version that has none committed yet."""
    written = []
    for model in registered_events():
        path = _path(directory, model)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_render(schema_of(model)))
            written.append(path)
    return written


def problems(directory: Path = SCHEMAS_DIR, models: list[type[IntegrationEvent]] | None = None) -> list[str]:
    """Everything that keeps the current models from being published as they are."""
    found = []
    for model in models if models is not None else registered_events():
        path = _path(directory, model)
        if not path.exists():
            found.append(f"{path.relative_to(directory)}: not exported (run `python -m mentorship_contracts export`)")
            continue
        previous = [json.loads(p.read_text()) for p in sorted(path.parent.glob("v*.json"))]
        for incompatibility in compatibility.check_full_transitive(schema_of(model), previous):
            found.append(f"{model.__name__} v{model.model_fields['schema_version'].default}: {incompatibility}")
    return found
