"""The whole platform, in this test process, on the real Kafka and PostgreSQL the devinfra plugin starts."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import uuid4

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from devinfra.kafka import SUPER_USER, TESTS, KafkaAccess
from devinfra.smtp_sink import MAIL_FROM
from devinfra.workspace import service_names, settings_class
from plumbing.auth import Role, SigningKeys, mint
from plumbing.kafka import partitions_of
from plumbing.personal_data import data_key_settings, key_readers
from plumbing.settings import ServiceSettings, new_secret_key
from plumbing.testing import caught_up, free_port, operator_command, serving

# The session's own keys: tokens are signed with the private one, the services hold the public one.
KEYS = SigningKeys.generate()
# The signing keys of the services that read people's data keys (matching, notifications).
READER_KEYS = {reader: new_secret_key() for reader in sorted(key_readers())}


@dataclass
class Platform:
    urls: dict[str, str]
    kafka: KafkaAccess
    sink: object
    database_urls: dict[str, str] = field(default_factory=dict)
    # The settings the platform built a service with: another instance of it may be made with these (a new group).
    settings: Callable[..., ServiceSettings] | None = None

    def client(self, service: str, role: Role | str = Role.ADMIN, **claims) -> httpx.AsyncClient:
        token = mint(KEYS.private_pem, audience=service, role=role, **claims)
        return httpx.AsyncClient(base_url=self.urls[service], headers={"Authorization": f"Bearer {token}"}, timeout=30)

    async def grant_administrator(self, email: str) -> None:
        """Make a registered person a national administrator as an operator does, with profiles' command
        (`python -m profiles grant-administrator <email>`) on its database."""
        granted = await operator_command("profiles", "grant-administrator", email,
                                         database_url=self.database_urls["profiles"])
        assert granted.returncode == 0, granted.err


@pytest.fixture(scope="session")
async def platform(kafka_access, postgres_server, smtp_sink):
    run = uuid4().hex[:8]
    # What a service needs beyond the common settings: notifications mails the sink; the web app calls the others
    # (served first, so that their addresses are known) and signs their tokens with the session's private key.
    # Their ports are chosen first: the consumers of restricted topics ask profiles for people's data keys, signing
    # with keys of their own whose public halves profiles trusts, and notifications' emails link to its own
    # endpoints and the web app's pages; all are built before those listen.
    ports = {name: free_port() for name in ("profiles", "notifications", "web")}
    special: dict[str, dict] = {
        "notifications": {"smtp_host": "127.0.0.1", "smtp_port": smtp_sink.smtp_port, "dispatch_poll_seconds": 0.1,
                          "mail_from": MAIL_FROM, "web_base_url": f"http://127.0.0.1:{ports['web']}"},
        # Its watch (what lapses, what is overdue) every second, not every minute: a test ages a pairing and waits.
        "matching": {"lifecycle_poll_seconds": 1.0},
    }
    for name, wiring in data_key_settings(f"http://127.0.0.1:{ports['profiles']}", READER_KEYS).items():
        special.setdefault(name, {}).update(wiring)

    database_urls: dict[str, str] = {}

    def settings(name: str, instance: str = "", **overrides) -> ServiceSettings:
        # Its own settings class, with a fresh key for each secret of its own (profiles' identity key, ...).
        # Another `instance` of a service has a database of its own (and `overrides`: a consumer group, say).
        kind = settings_class(name) or ServiceSettings
        own_secrets = {field: new_secret_key() for field in kind.secret_fields()
                       if field != "jwt_public_key" and field not in special.get(name, {})}
        database_url = postgres_server.create_database(f"e2e_{name}_{run}{instance}")
        if not instance:
            database_urls[name] = database_url
        return kind(
            service_name=name,
            database_url=database_url,
            **kafka_access.settings(name),
            jwt_public_key=KEYS.public_pem,
            **own_secrets,
            **(special.get(name, {}) | overrides),
        )

    # Every service of the workspace (devinfra.workspace), each built by its own composition root; the web app last.
    names = sorted(service_names(), key=lambda name: name == "web")
    async with contextlib.AsyncExitStack() as stack:
        apps, urls = {}, {}
        for name in names:
            port = ports.get(name)
            if name == "web":
                special["web"] = {**{f"{s}_url": urls[s] for s in ("profiles", "matching", "events", "notifications")},
                                  "public_base_url": f"http://127.0.0.1:{port}", "smtp_host": "127.0.0.1",
                                  "smtp_port": smtp_sink.smtp_port, "mail_from": MAIL_FROM,
                                  "jwt_private_key": KEYS.private_pem}
            apps[name] = importlib.import_module(f"{name}.bootstrap").build_app(settings(name))
            urls[name] = await stack.enter_async_context(serving(apps[name], port))
        await caught_up(apps, kafka_access.client_options(TESTS))
        yield Platform(urls, kafka_access, smtp_sink, database_urls, settings)


async def everything_on(platform, topics) -> list:
    """Every record of these topics, from the beginning, read by the operator (the admin principal)."""
    reader = AIOKafkaConsumer(**platform.kafka.client_options(SUPER_USER), enable_auto_commit=False)
    await reader.start()
    try:
        partitions = await partitions_of(platform.kafka.client_options(SUPER_USER), list(topics))
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        ends = await reader.end_offsets(partitions)
        records = []
        behind = True
        while behind:
            for batch in (await reader.getmany(timeout_ms=500)).values():
                records.extend(batch)
            behind = False
            for tp, end in ends.items():
                behind = behind or await reader.position(tp) < end
        return records
    finally:
        await reader.stop()
