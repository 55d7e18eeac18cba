"""The workspace's services, found rather than listed: every directory under `services/` with a pyproject.toml.

A service's name is its directory's, and also its Python package's (`src/<name>`), its module's (`python -m
<name>`), its database's and its consumer group's. The one thing about it that is not its name is the port the
local runner serves it on, in a table of its pyproject.toml:

    [tool.mentorship]
    port = 8101

Everything that needs the list of services (the local runner, the end-to-end and deployment tests, the order of
the test run, the AsyncAPI documents, the import contracts) asks this module.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plumbing.settings import ServiceSettings


class WorkspaceError(RuntimeError):
    """The workspace is not laid out as this module expects; the message names the file at fault."""


@dataclass(frozen=True)
class ServiceDirectory:
    name: str
    port: int
    path: Path

    @property
    def pyproject(self) -> Path:
        return self.path / "pyproject.toml"


def repo_root() -> Path:
    """The workspace root: the nearest directory above this package, or else above the cwd, with a uv workspace."""
    for start in (Path(__file__).resolve(), Path.cwd().resolve() / "pyproject.toml"):
        for directory in start.parents:
            pyproject = directory / "pyproject.toml"
            if pyproject.is_file() and "[tool.uv.workspace]" in pyproject.read_text():
                return directory
    raise WorkspaceError("cannot find the repository root (a pyproject.toml with [tool.uv.workspace])")


def service_directories(root: Path | None = None) -> list[Path]:
    """Every directory under services/, whether or not it is a complete service (the deployment tests check that)."""
    services = (root or repo_root()) / "services"
    return sorted(path for path in services.iterdir() if path.is_dir() and not path.name.startswith((".", "_")))


def services(root: Path | None = None) -> tuple[ServiceDirectory, ...]:
    """The services, in the order of their ports (profiles, matching, events, notifications)."""
    found = []
    for path in service_directories(root):
        pyproject = path / "pyproject.toml"
        if not pyproject.is_file():
            continue  # not a service (yet): tests/deploy says so
        table = tomllib.loads(pyproject.read_text()).get("tool", {}).get("mentorship", {})
        port = table.get("port")
        if not isinstance(port, int):
            raise WorkspaceError(f"{pyproject} needs a [tool.mentorship] table with the service's local port = N")
        found.append(ServiceDirectory(path.name, port, path))
    return tuple(sorted(found, key=lambda service: (service.port, service.name)))


def service_names(root: Path | None = None) -> tuple[str, ...]:
    return tuple(service.name for service in services(root))


def settings_class(name: str) -> type[ServiceSettings] | None:
    """The settings class of service `name` (the `ServiceSettings` subclass of `<name>.config` that names it), or
    None when it has none of its own: what a deployment must give it, its required secrets included."""
    from plumbing.settings import ServiceSettings

    try:
        config = importlib.import_module(f"{name}.config")
    except ModuleNotFoundError as error:
        if error.name in (name, f"{name}.config"):
            return None
        raise
    found = [value for value in vars(config).values() if isinstance(value, type) and issubclass(value, ServiceSettings)
             and value.model_fields["service_name"].default == name]
    return found[0] if found else None
