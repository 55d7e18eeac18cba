"""Each service's committed OpenAPI document: `uv run python -m plumbing.openapi profiles matching ...` rewrites
`services/<name>/openapi.json` from the code; a test fails when one is stale or says less than the service does."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from .settings import ServiceSettings


def current(service: str) -> str:
    """The document the service's code describes now, as committed (sorted, indented)."""
    build_app = importlib.import_module(f"{service}.bootstrap").build_app
    document = build_app(ServiceSettings.offline(service_name=service)).openapi()
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def committed_path(service: str) -> Path:
    """`services/<name>/openapi.json`, beside the service's `src/`."""
    return Path(str(importlib.import_module(service).__file__)).resolve().parents[2] / "openapi.json"


def problems(document: dict) -> list[str]:
    """What the document fails to say: an operation without a typed success answer (or a redirect), or an error
    answer without the error body."""
    found = []
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            answers = operation.get("responses", {})
            successes = {status: answer for status, answer in answers.items() if status.startswith("2")}
            if not successes and not any(status.startswith("3") for status in answers):  # a redirect is an answer
                found.append(f"{where}: no success answer")
            for status, answer in successes.items():
                content = answer.get("content", {})
                typed = any(kind != "application/json" or body.get("schema") for kind, body in content.items())
                if status != "204" and not typed:
                    found.append(f"{where}: {status} has no response schema")
            for status, answer in answers.items():
                if status.startswith(("4", "5")):
                    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                    if schema.get("$ref") != "#/components/schemas/ErrorBody":
                        found.append(f"{where}: {status} does not document the error body")
    return found


def main(services: list[str]) -> int:
    for service in services:
        path = committed_path(service)
        path.write_text(current(service))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
