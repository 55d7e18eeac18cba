"""The whole platform, in this test process, on the real Kafka and PostgreSQL the devinfra plugin starts."""

from __future__ import annotations

import base64
import contextlib
import importlib
import os
from dataclasses import dataclass
from uuid import uuid4

import httpx
import pytest
from devinfra.workspace import service_names
from plumbing.auth import Role, mint
from plumbing.settings import ServiceSettings
from plumbing.testing import free_port, serving

JWT_SECRET = "end-to-end-tests-signing-key-of-32-bytes-or-more"


@dataclass
class Platform:
    urls: dict[str, str]
    kafka: str
    sink: object

    def client(self, service: str, role: Role | str = Role.ADMIN, **claims) -> httpx.AsyncClient:
        token = mint(JWT_SECRET, role=role, **claims)
        return httpx.AsyncClient(base_url=self.urls[service], headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.fixture(scope="session")
async def platform(kafka_bootstrap_servers, postgres_server, smtp_sink):
    from matching.config import MatchingSettings
    from notifications.config import NotificationsSettings
    from web.config import WebSettings

    run = uuid4().hex[:8]
    ports = {name: free_port() for name in service_names()}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    # What a service needs beyond the common settings: notifications mails the sink, matching its key, the web app
    # calls the others.
    special = {
        "notifications": (NotificationsSettings, {"smtp_host": "127.0.0.1", "smtp_port": smtp_sink.smtp_port,
                                                  "dispatch_poll_seconds": 0.1}),
        "matching": (MatchingSettings, {"identity_key": base64.urlsafe_b64encode(os.urandom(32)).decode()}),
        "web": (WebSettings, {"profiles_url": url["profiles"], "matching_url": url["matching"],
                              "events_url": url["events"], "notifications_url": url["notifications"],
                              "public_base_url": url["web"], "smtp_host": "127.0.0.1",
                              "smtp_port": smtp_sink.smtp_port}),
    }

    def settings(name: str) -> ServiceSettings:
        kind, extra = special.get(name, (ServiceSettings, {}))
        return kind(
            service_name=name,
            database_url=postgres_server.create_database(f"e2e_{name}_{run}"),
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            jwt_secret=JWT_SECRET,
            **extra,
        )

    # Every service of the workspace (devinfra.workspace), each built by its own composition root.
    apps = {name: importlib.import_module(f"{name}.bootstrap").build_app(settings(name)) for name in service_names()}
    async with contextlib.AsyncExitStack() as stack:
        urls = {name: await stack.enter_async_context(serving(app, ports[name])) for name, app in apps.items()}
        await caught_up(apps, kafka_bootstrap_servers)
        yield Platform(urls, kafka_bootstrap_servers, smtp_sink)


async def caught_up(apps: dict, bootstrap: str) -> None:
    """Wait until every service has applied what the shared topics already held when it started (earlier tests'
    events, replayed from the earliest offset): a test's own events are then not applied in one batch with a
    backlog's, which would give the work they defer together a correlation id of its own."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient
    from plumbing.kafka import partitions_of
    from plumbing.testing import eventually

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await admin.start()
    await reader.start()
    try:
        for name, app in apps.items():
            service = app.state.service
            if service.consumer is None:
                continue
            partitions = await partitions_of(bootstrap, service.consumer.topics)
            ends = await reader.end_offsets(partitions)

            async def applied(group=service.settings.consumer_group, ends=ends) -> bool:
                committed = await admin.list_consumer_group_offsets(group)
                return all(committed.get(tp) is not None and committed[tp].offset >= end
                           for tp, end in ends.items() if end > 0)

            await eventually(applied, timeout=180, interval=0.2, what=f"{name} to apply the topics' backlog")
    finally:
        await reader.stop()
        await admin.close()
