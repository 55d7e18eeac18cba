"""The import contracts of the workspace, checked by import-linter: `uv run python -m devinfra.import_contracts`.

They are written here, not in pyproject.toml, because they name every service and the services are found, not
listed (devinfra.workspace): the contracts are made for the services there are, written to a temporary
configuration, and handed to import-linter. Arguments are passed on to it (`--verbose`, `--contract ID`).

- A service's domain is pure: it imports neither its own adapters, entrypoints and service layer, nor FastAPI
  nor asyncpg.
- No service imports another: they share contracts and plumbing only.
- The contracts import nothing of the workspace: they are all another team needs.
- Plumbing imports no service.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from devinfra.workspace import repo_root, service_names

CONTRACTS_PACKAGE = "mentorship_contracts"
PLUMBING_PACKAGE = "plumbing"
DEVINFRA_PACKAGE = "devinfra"


def contracts(services: Sequence[str]) -> list[dict]:
    found = [
        {
            "id": f"{service}-domain",
            "name": f"{service}: the domain imports no adapters, entrypoints, service layer, FastAPI or asyncpg",
            "type": "forbidden",
            "source_modules": [f"{service}.domain"],
            "forbidden_modules": [
                f"{service}.adapters", f"{service}.entrypoints", f"{service}.service_layer", "fastapi", "asyncpg",
            ],
        }
        for service in services
    ]
    found += [
        {
            "id": "services-independent",
            "name": "no service imports another",
            "type": "independence",
            "modules": list(services),
        },
        {
            "id": "contracts-standalone",
            "name": "the contracts import no service, no plumbing and no devinfra",
            "type": "forbidden",
            "source_modules": [CONTRACTS_PACKAGE],
            "forbidden_modules": [*services, PLUMBING_PACKAGE, DEVINFRA_PACKAGE],
        },
        {
            "id": "plumbing-knows-no-service",
            "name": "plumbing imports no service",
            "type": "forbidden",
            "source_modules": [PLUMBING_PACKAGE],
            "forbidden_modules": list(services),
        },
    ]
    return found


def configuration(services: Sequence[str]) -> str:
    """The import-linter configuration, as TOML (JSON's strings and arrays are TOML's too)."""
    lines = [
        "[tool.importlinter]",
        f"root_packages = {json.dumps([CONTRACTS_PACKAGE, PLUMBING_PACKAGE, DEVINFRA_PACKAGE, *services])}",
        "include_external_packages = true",
    ]
    for contract in contracts(services):
        lines += ["", "[[tool.importlinter.contracts]]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in contract.items()]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    from importlinter.cli import lint_imports_command  # a dev dependency: imported only when asked to check

    root = repo_root()
    with tempfile.TemporaryDirectory(prefix="import-contracts-") as directory:
        config = Path(directory) / "importlinter.toml"
        config.write_text(configuration(service_names(root)))
        arguments = ["--config", str(config), "--cache-dir", str(root / ".import_linter_cache"), *(argv or [])]
        try:
            lint_imports_command.main(arguments, prog_name="python -m devinfra.import_contracts")
        except SystemExit as exit:
            return int(exit.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
