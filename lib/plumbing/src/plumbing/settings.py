"""Settings from the environment, with defaults that work on the local runtime (`python -m devinfra up`)."""

from __future__ import annotations

import os
from typing import Self

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Common settings; each service subclasses it to name itself and add its own.

    A service-specific variable (`PROFILES_DATABASE_URL`) wins over the generic one (`DATABASE_URL`),
    so one shell can hold the URLs of all four services.
    """

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    service_name: str = "service"
    # The consumer group of every instance; the service's name unless set (tests give each test service its own).
    consumer_group_name: str | None = Field(default=None, validation_alias="CONSUMER_GROUP")
    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:15432/postgres",
        validation_alias=AliasChoices("DATABASE_URL"),
    )
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    http_host: str = Field(default="127.0.0.1", validation_alias="HTTP_HOST")
    http_port: int = Field(default=8000, validation_alias="HTTP_PORT")
    # Larger request bodies are refused (413) before they are read whole.
    http_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, validation_alias="HTTP_MAX_BODY_BYTES")
    jwt_secret: str = Field(default="dev-only-secret-change-me-in-production", validation_alias="JWT_SECRET")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    database_pool_size: int = Field(default=10, validation_alias="DATABASE_POOL_SIZE")
    outbox_batch_size: int = Field(default=500, validation_alias="OUTBOX_BATCH_SIZE")
    # Bounded retries of a failing message before it goes to the dead-letter topic.
    consumer_max_attempts: int = Field(default=5, validation_alias="CONSUMER_MAX_ATTEMPTS")
    consumer_backoff_seconds: float = Field(default=0.2, validation_alias="CONSUMER_BACKOFF_SECONDS")
    # Events applied in one transaction, with one offset commit, when that many are waiting.
    consumer_batch_size: int = Field(default=50, ge=1, validation_alias="CONSUMER_BATCH_SIZE")
    # How long a stopping service waits for its background jobs: longer than a job's step may rightly take
    # (a notifications dispatcher finishing its SMTP batch), short of a hang.
    jobs_stop_seconds: float = Field(default=30.0, validation_alias="JOBS_STOP_SECONDS")

    @property
    def consumer_group(self) -> str:
        return self.consumer_group_name or self.service_name

    @classmethod
    def for_service(cls, name: str, **overrides) -> Self:
        """Read the environment, letting `<NAME>_DATABASE_URL` override `DATABASE_URL`."""
        specific = os.environ.get(f"{name.upper()}_DATABASE_URL")
        if specific and "database_url" not in overrides:
            overrides["database_url"] = specific
        return cls(service_name=name, **overrides)

    @classmethod
    def of(cls, settings: ServiceSettings | None = None) -> Self:
        """A service's settings: from the environment when none are given, else these (common settings, as the
        platform's tests and runner build them, completed with this service's defaults).

        Each service's settings class names the service: `service_name: str = "matching"`."""
        if isinstance(settings, cls):
            return settings
        if settings is None:
            return cls.for_service(cls.model_fields["service_name"].default)
        return cls(**settings.model_dump())
