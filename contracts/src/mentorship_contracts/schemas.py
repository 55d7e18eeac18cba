"""Export each event's JSON Schema, and check the models against every committed revision.

Layout: `contracts/schemas/<event_type>/v<N>.json` is version N as first published; later compatible
revisions of the same version (a description reworded, say) are `v<N>.r<K>.json`. A committed file is
never edited. The model of version N must be FULL_TRANSITIVE compatible (Confluent's rules) with every
revision of version N. Under those rules neither an open schema nor a closed one (`closed_schema`: every field
required, no other allowed) can gain or lose a field, and an open schema cannot become closed, so such a change
is a new version: a new model with `schema_version` N+1, published beside the old one while consumers move over.
Versions are separate contracts and are not compared with each other.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import compatibility
from .envelope import IntegrationEvent, registered_events

# Installed, the schemas are inside the package; in this repository, beside src/ (where `export` writes them).
_INSTALLED = Path(__file__).resolve().parent / "schemas"
SCHEMAS_DIR = _INSTALLED if _INSTALLED.is_dir() else Path(__file__).resolve().parents[2] / "schemas"


def schema_of(model: type[IntegrationEvent]) -> dict:
    return model.model_json_schema(mode="serialization")


def _path(directory: Path, model: type[IntegrationEvent]) -> Path:
    event_type = model.model_fields["event_type"].default
    version = model.model_fields["schema_version"].default
    return directory / event_type / f"v{version}.json"


def _revisions(first: Path) -> list[Path]:
    """The published revisions of one version, oldest first."""
    later = sorted(first.parent.glob(f"{first.stem}.r*.json"), key=lambda p: int(p.stem.rsplit(".r", 1)[1]))
    return [first, *later]


def _render(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def export(directory: Path = SCHEMAS_DIR) -> list[Path]:
    """Write each new version, and a new revision of each version whose schema changed compatibly.

    An incompatible change is not written: `problems` reports it, and it needs a new version.
    """
    written = []
    for model in registered_events():
        first, schema = _path(directory, model), schema_of(model)
        if not first.exists():
            first.parent.mkdir(parents=True, exist_ok=True)
            target = first
        else:
            revisions = _revisions(first)
            if json.loads(revisions[-1].read_text()) == schema or _incompatibilities(schema, revisions):
                continue
            target = first.with_name(f"{first.stem}.r{len(revisions) + 1}.json")
        target.write_text(_render(schema))
        written.append(target)
    return written


def _incompatibilities(schema: dict, revisions: list[Path]) -> list:
    return compatibility.check_full_transitive(schema, [json.loads(p.read_text()) for p in revisions])


def problems(directory: Path = SCHEMAS_DIR, models: list[type[IntegrationEvent]] | None = None) -> list[str]:
    """Everything that keeps the current models from being published as they are."""
    found = []
    for model in models if models is not None else registered_events():
        path = _path(directory, model)
        if not path.exists():
            found.append(f"{path.relative_to(directory)}: not exported (run `python -m mentorship_contracts export`)")
            continue
        schema, revisions = schema_of(model), _revisions(path)
        incompatibilities = _incompatibilities(schema, revisions)
        for incompatibility in incompatibilities:
            found.append(f"{model.__name__} v{model.model_fields['schema_version'].default}: {incompatibility}")
        if not incompatibilities and json.loads(revisions[-1].read_text()) != schema:
            # The newest committed revision is what integrators read as the model's schema now (README, "Which
            # file"): a description or a value changed in the model alone would reach nobody.
            found.append(f"{revisions[-1].relative_to(directory)}: older than the model's schema (run "
                         "`python -m mentorship_contracts export`)")
    return found
