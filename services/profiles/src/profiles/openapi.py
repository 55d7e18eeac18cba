"""The committed OpenAPI document of profiles: `uv run python -m profiles.openapi` rewrites it."""

import json
from pathlib import Path

from plumbing.settings import ServiceSettings

from .bootstrap import build_app

DOCUMENT = Path(__file__).parents[2] / "openapi.json"


def current() -> str:
    return json.dumps(build_app(ServiceSettings(service_name="profiles")).openapi(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    DOCUMENT.write_text(current())
    print(f"wrote {DOCUMENT}")
