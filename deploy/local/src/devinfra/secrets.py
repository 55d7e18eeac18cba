"""The secrets of the platform the local runner starts, generated once on this machine and kept in the runner's
state directory (`.run/secrets.json`, readable by its owner only): every Kafka principal's password, the key pair
that signs and verifies tokens, and each service's own keys (the `required_secret` settings of its config).

Nothing here is committed or built in: a fresh checkout generates its own, `up --fresh` new ones (the data they
protect goes with them). `python -m plumbing.auth mint` signs development tokens with the private key kept here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from plumbing.auth import SigningKeys
from plumbing.personal_data import READERS_VARIABLE, key_readers, readers_setting, signing_key_variable
from plumbing.settings import new_secret_key

from devinfra import kafka, workspace

FILE_NAME = "secrets.json"
# The variable of the private key that signs tokens, which the web app's settings require.
SIGNING_KEY = "JWT_PRIVATE_KEY"


@dataclass
class PlatformSecrets:
    kafka_passwords: dict[str, str]
    jwt_private_key: str
    jwt_public_key: str
    # service -> variable -> value: the secrets a service's settings require besides the common ones.
    service_keys: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def generate(cls, services: Iterable[str] = ()) -> PlatformSecrets:
        """New secrets: every Kafka principal's password, a token key pair, and these services' own keys."""
        keys = SigningKeys.generate()
        secrets = cls(kafka.new_passwords(), keys.private_pem, keys.public_pem)
        secrets.cover([], services)
        return secrets

    def service_environment(self, service: str, kafka_access: kafka.KafkaAccess) -> dict[str, str]:
        """Every secret variable of a service's process: its Kafka principal, the token key, its own keys."""
        return kafka_access.environment(service) | self.environment(service)

    def cover(self, principals: Iterable[str], services: Iterable[str]) -> bool:
        """Add what is missing for these Kafka principals (a password) and services (a principal each, their own
        keys); True if anything was."""
        services = list(services)
        added = False
        for name in [*principals, *services]:
            if name not in self.kafka_passwords:
                self.kafka_passwords |= kafka.new_passwords([name])
                added = True
        for name in services:
            own = _own_secret_variables(name) - {READERS_VARIABLE}
            keys = self.service_keys.setdefault(name, {})
            for variable in own - set(keys):
                keys[variable] = new_secret_key()
                added = True
            if READERS_VARIABLE in _own_secret_variables(name):
                added = self._cover_key_readers(keys) or added
        return added

    def _cover_key_readers(self, keys: dict[str, str]) -> bool:
        """Profiles trusts the public keys of the services that read data keys (each signs its requests with its own
        `<SERVICE>_SERVICE_KEY`): derived from theirs, made first if need be."""
        added = False
        seeds = {}
        for reader in sorted(key_readers()):
            own = self.service_keys.setdefault(reader, {})
            variable = signing_key_variable(reader)
            if variable not in own:
                own[variable] = new_secret_key()
                added = True
            seeds[reader] = own[variable]
        value = readers_setting(seeds)
        if keys.get(READERS_VARIABLE) != value:
            keys[READERS_VARIABLE] = value
            added = True
        return added

    def environment(self, service: str) -> dict[str, str]:
        """What the service's process is given besides its Kafka credentials: the token key, its own keys; and the
        private key that signs tokens to the one service whose settings require it (the web app)."""
        signs = SIGNING_KEY in _secret_variables(service)
        return {"JWT_PUBLIC_KEY": self.jwt_public_key, **({SIGNING_KEY: self.jwt_private_key} if signs else {}),
                **self.service_keys.get(service, {})}


def _secret_variables(service: str) -> set[str]:
    settings = workspace.settings_class(service)
    return set() if settings is None else set(settings.secret_fields().values())


def _own_secret_variables(service: str) -> set[str]:
    """The keys generated for the service alone (the token key pair is the platform's, not generated per service)."""
    return _secret_variables(service) - {"JWT_PUBLIC_KEY", SIGNING_KEY}


def path_in(run_dir: Path) -> Path:
    return run_dir / FILE_NAME


def load(run_dir: Path) -> PlatformSecrets | None:
    try:
        return PlatformSecrets(**json.loads(path_in(run_dir).read_text()))
    except FileNotFoundError:
        return None


def save(run_dir: Path, secrets: PlatformSecrets) -> None:
    path = path_in(run_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    # Created readable by its owner alone, before anything is written into it.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(asdict(secrets), out, indent=2)
    partial.replace(path)


def compose_variable(principal: str) -> str:
    """The variable docker-compose.yml reads a Kafka principal's password from."""
    return "KAFKA_PASSWORD_" + principal.upper().replace("-", "_")


def compose_env(secrets: PlatformSecrets, principals: Iterable[str]) -> str:
    """This machine's secrets as the `.env` file docker compose reads (`${VAR:?}` in docker-compose.yml): the Kafka
    principals' passwords, the public key that verifies tokens, each service's own keys."""
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = ["# Generated by `uv run python -m devinfra compose-env` from .run/secrets.json: never commit it."]
    lines += [f"{compose_variable(name)}={quoted(secrets.kafka_passwords[name])}" for name in principals]
    lines.append(f"JWT_PUBLIC_KEY={quoted(secrets.jwt_public_key)}")
    lines.append(f"{SIGNING_KEY}={quoted(secrets.jwt_private_key)}")  # the web app's alone (docker-compose.yml)
    for service in sorted(secrets.service_keys):
        lines += [f"{variable}={quoted(value)}" for variable, value in sorted(secrets.service_keys[service].items())]
    return "\n".join(lines) + "\n"
