"""Settings from the environment. Secrets have no default anywhere, and a service refuses to start without them;
addresses (`ADDRESSES`: where it connects, what its emails link to, whom it mails as) have the local runner's
(`python -m devinfra up`) in development mode only.

Each service names its own secrets with `required_secret(...)`; every service needs the public key that verifies
tokens (`JWT_PUBLIC_KEY`) and its Kafka credentials (`KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`). A secret named
`..._KEY` (the token key pair aside, PEM) is a random key: at least 32 random bytes in URL-safe base64, as
`new_secret_key` makes them. Development mode (`MENTORSHIP_ENV=development`) relaxes two things only: a broker
without authentication, on this machine (`KAFKA_SECURITY_PROTOCOL=PLAINTEXT`), and those addresses.

A value a program cannot run with is refused when the settings are made, each naming its variable;
`configuration_checked` turns that into one line per problem and exit status 2 (`plumbing.serve`, the commands).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import ipaddress
import os
import ssl
import sys
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Literal, Self

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from .db import MIGRATION_LOCK_TIMEOUT_SECONDS

REQUIRED = "required to start"
KEY_BYTES = 32
# The secrets named ..._KEY that are not random keys: the token key pair, PEM (checked as such where they are read).
PEM_KEYS = ("JWT_PUBLIC_KEY", "JWT_PRIVATE_KEY")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def required_secret(variable: str, description: str) -> Any:
    """A setting with no default: the service refuses to start without it, naming `variable`."""
    return Field(default=None, validation_alias=variable, description=description, json_schema_extra={REQUIRED: True})


def new_secret_key() -> str:
    """A fresh symmetric key in the form the key settings take: 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def key_bytes(value: str) -> bytes:
    """A key setting's bytes: URL-safe base64, its '=' padding kept or left out (as many tools print a key).
    Raises ValueError when it is not base64."""
    try:
        return base64.urlsafe_b64decode(value.encode("ascii") + b"=" * (-len(value) % 4))
    except (binascii.Error, UnicodeEncodeError) as error:
        raise ValueError("not URL-safe base64") from error


# What tells a key someone typed from one a random source made. Each rule refuses a random key less often than once in
# ten million: 32 random bytes take fewer than 20 distinct values once in 7 billion (a word repeated or zeros take 1
# to 16); base64 of random bytes is lower-case letters for about 40% of its characters, words 80% and more; 8
# characters or bytes in a row with one step between each (an alphabet, a count, a repeat) come once in a billion.
DISTINCT_BYTES_OF_A_RANDOM_KEY = 20
MOST_LOWER_CASE = 0.8
LONGEST_EVEN_RUN = 7
PLACEHOLDER_WORDS = ("replace", "changeme", "example", "password", "secret", "placeholder")  # dashes, underscores aside


def _even_run(values: Sequence[int]) -> int:
    """The longest run of values each one step from the last, the same step throughout (0 included: a repeat)."""
    longest = run = min(len(values), 2)
    for i in range(2, len(values)):
        run = run + 1 if values[i] - values[i - 1] == values[i - 1] - values[i - 2] else 2
        longest = max(longest, run)
    return longest


def _typed_not_random(value: str, raw: bytes) -> bool:
    folded = value.lower().replace("-", "").replace("_", "")
    return (len(set(raw)) < DISTINCT_BYTES_OF_A_RANDOM_KEY
            or any(word in folded for word in PLACEHOLDER_WORDS)
            or sum(c.islower() for c in value) >= MOST_LOWER_CASE * len(value)
            or max(_even_run([ord(c) for c in value]), _even_run(list(raw))) > LONGEST_EVEN_RUN)


def check_random_key(variable: str, value: str) -> None:
    """Refuse a key that is not at least 32 random bytes of URL-safe base64 (its '=' padding may be left out): a
    placeholder (`REPLACE-key`, however long or reworded), a password or a phrase, a short key, bytes too alike or
    too orderly to be random. The value is never part of the error."""
    try:
        raw = key_bytes(value)
    except ValueError:
        raw = b""
    if len(raw) < KEY_BYTES or _typed_not_random(value, raw):
        raise ValueError(f"{variable} must be at least {KEY_BYTES} random bytes in URL-safe base64 "
                         "(deploy/k8s/secrets.example.yaml says how to make one)")


class ConfigurationError(ValueError):
    """A setting's value the program cannot run with, found after its settings were made; the message names the
    variable."""


@contextlib.contextmanager
def configuration_checked(program: str) -> Iterator[None]:
    """Make settings (and what is built from them) in this block: a configuration the program cannot run with ends
    it with one line per problem on stderr, each naming its variable, and exit status 2, not a stack trace."""
    try:
        yield
    except ValueError as error:  # ValidationError, ConfigurationError, a key an adapter cannot use
        for problem in configuration_problems(error):
            print(f"{program}: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def configuration_problems(error: ValueError) -> list[str]:
    """One line per problem, each naming its variable (pydantic's locations are the variables read)."""
    if not isinstance(error, ValidationError):
        return [str(error)]
    problems = []
    for found in error.errors(include_url=False, include_input=False):
        message = found["msg"].removeprefix("Value error, ")
        where = ".".join(str(part) for part in found["loc"])
        named = not where or message.upper().startswith(where.upper())
        problems.append(message if named else f"{where}: {message}")
    return problems


class KafkaSettings(BaseSettings):
    """How a program reaches the platform's Kafka: what every Kafka client of a service is made with, and all the
    operator's commands need (`dead-letters`, `python -m plumbing.kafka_access provision`)."""

    # A refused value is not repeated in the error: it may be a secret.
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True, hide_input_in_errors=True)

    # Development mode relaxes only what is safe: a broker without authentication (PLAINTEXT). Never a secret.
    environment: Literal["production", "development"] = Field(default="production", validation_alias="MENTORSHIP_ENV")
    # The local runner's broker, which only development mode may assume: elsewhere it must be given (`ADDRESSES`).
    kafka_bootstrap_servers: str = Field(default="127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    # SASL over TLS unless told otherwise.
    kafka_security_protocol: Literal["SASL_SSL", "SASL_PLAINTEXT", "SSL", "PLAINTEXT"] = Field(
        default="SASL_SSL", validation_alias="KAFKA_SECURITY_PROTOCOL")
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = Field(
        default="SCRAM-SHA-512", validation_alias="KAFKA_SASL_MECHANISM")
    # The principal on the broker (a service's is its name) and its password: required with SASL.
    kafka_sasl_username: str | None = Field(default=None, validation_alias="KAFKA_SASL_USERNAME")
    kafka_sasl_password: SecretStr | None = Field(default=None, validation_alias="KAFKA_SASL_PASSWORD")
    # The CA that signed the broker's certificate, when it is not one the system trusts (SASL_SSL, SSL).
    kafka_ssl_ca_file: str | None = Field(default=None, validation_alias="KAFKA_SSL_CA_FILE")
    # The replicas of each topic the operator's provisioning or a service creates: -1 is the brokers' own
    # default.replication.factor (1 on the local runner's single broker). From 3, min.insync.replicas is set to a
    # majority of them (`plumbing.kafka_access.new_topic`); below, the brokers' own.
    kafka_replication_factor: int = Field(default=-1, validation_alias="KAFKA_REPLICATION_FACTOR")

    KAFKA_CREDENTIALS: ClassVar[tuple[str, ...]] = ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD")
    # Where to connect: outside development mode a default would have a deployment missing one connect to loopback,
    # to nothing or to whatever listens there.
    ADDRESSES: ClassVar[tuple[str, ...]] = ("KAFKA_BOOTSTRAP_SERVERS",)

    @field_validator("kafka_ssl_ca_file")
    @classmethod
    def _a_readable_ca_certificate(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ssl.create_default_context(cafile=value)
            except (OSError, ssl.SSLError) as error:
                raise ValueError(f"KAFKA_SSL_CA_FILE: no CA certificate can be read from {value} "
                                 f"({getattr(error, 'strerror', None) or error})") from None
        return value

    @field_validator("kafka_replication_factor")
    @classmethod
    def _a_replication_factor(cls, value: int) -> int:
        if value == 0 or value < -1:
            raise ValueError("KAFKA_REPLICATION_FACTOR must be a number of replicas (1 or more), or -1 for the "
                             "brokers' default")
        return value

    @model_validator(mode="after")
    def _refuse_to_start_without_secrets(self) -> Self:
        missing = [variable for variable in self.required_variables() if self._unset(variable)]
        if missing:
            raise ValueError(f"{', '.join(missing)} not set: no secret has a default, nor, outside development "
                             "mode, any address (see README, 'Secrets have no defaults')")
        if not self.kafka_security_protocol.startswith("SASL") and self.environment != "development":
            raise ValueError(f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} connects without "
                             "authentication, which only development mode allows (MENTORSHIP_ENV=development)")
        return self

    def required_variables(self) -> list[str]:
        """The variables this program refuses to start without, as these settings connect to Kafka."""
        addresses = [] if self.environment == "development" else list(self.ADDRESSES)
        credentials = list(self.KAFKA_CREDENTIALS) if self.kafka_security_protocol.startswith("SASL") else []
        return [*addresses, *credentials]

    def _unset(self, variable: str) -> bool:
        name = next(name for name, field in type(self).model_fields.items() if field.validation_alias == variable)
        value = getattr(self, name)
        given = name in self.model_fields_set
        return not given or (value.get_secret_value() if isinstance(value, SecretStr) else value) in (None, "")

    def kafka_client_options(self) -> dict[str, Any]:
        """The keyword arguments every aiokafka client is made with: address and credentials."""
        options: dict[str, Any] = {"bootstrap_servers": self.kafka_bootstrap_servers,
                                   "security_protocol": self.kafka_security_protocol}
        if self.kafka_security_protocol.startswith("SASL"):
            assert self.kafka_sasl_password is not None, "checked when the settings were made"
            options |= {"sasl_mechanism": self.kafka_sasl_mechanism, "sasl_plain_username": self.kafka_sasl_username,
                        "sasl_plain_password": self.kafka_sasl_password.get_secret_value()}
        if self.kafka_security_protocol.endswith("SSL"):
            options["ssl_context"] = tls_context(self.kafka_ssl_ca_file)
        return options


@functools.lru_cache(maxsize=8)
def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """What verifies the broker, one per CA file and process: loading the system's certificates takes 20 ms, and the
    tests make hundreds of services."""
    return ssl.create_default_context(cafile=ca_file)


class ServiceSettings(KafkaSettings):
    """Common settings; each service subclasses it to name itself and add its own.

    A service-specific variable (`PROFILES_DATABASE_URL`) wins over the generic one (`DATABASE_URL`),
    so one shell can hold the URLs of all four services.
    """

    service_name: str = "service"
    # The consumer group of every instance; the service's name unless set (tests give each test service its own).
    consumer_group_name: str | None = Field(default=None, validation_alias="CONSUMER_GROUP")
    # The local runner's PostgreSQL, which only development mode may assume (`ADDRESSES`).
    database_url: str = Field(default="postgresql://postgres@127.0.0.1:15432/postgres", validation_alias="DATABASE_URL")
    http_host: str = Field(default="127.0.0.1", validation_alias="HTTP_HOST")
    http_port: int = Field(default=8000, ge=1, le=65535, validation_alias="HTTP_PORT")
    # The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or networks, comma-separated;
    # `*` any): behind an ingress, its controller's pods, or every visitor is the ingress to the web app's per-client
    # sign-in limit. Loopback only unless set.
    forwarded_allow_ips: str = Field(default="127.0.0.1,::1", validation_alias="FORWARDED_ALLOW_IPS")
    # Larger request bodies are refused (413) before they are read whole.
    http_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, validation_alias="HTTP_MAX_BODY_BYTES")
    # The Ed25519 public key (PEM) that verifies bearer tokens; the private key is the web app's alone.
    jwt_public_key: str | None = required_secret("JWT_PUBLIC_KEY", "Ed25519 public key (PEM) verifying tokens")
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
    database_pool_size: int = Field(default=10, validation_alias="DATABASE_POOL_SIZE")
    outbox_batch_size: int = Field(default=500, validation_alias="OUTBOX_BATCH_SIZE")
    # How long the relay waits for Kafka to acknowledge a batch: over twice the producer's request timeout (40 s),
    # so only a producer that stopped sending reaches it; the relay then stops and the instance reports itself dead.
    relay_acknowledgement_seconds: float = Field(default=90.0, gt=0, validation_alias="RELAY_ACKNOWLEDGEMENT_SECONDS")
    # How often a relay standing by tries the lead: at most this long, after a leader's death, before another
    # instance publishes its events.
    relay_standby_seconds: float = Field(default=5.0, gt=0, validation_alias="RELAY_STANDBY_SECONDS")
    # How long a migration waits for a table's lock before it gives up and tries again (`plumbing.db.migrate`): while
    # it waits, every query of that table on the instances still serving waits behind it.
    migration_lock_timeout_seconds: float = Field(default=MIGRATION_LOCK_TIMEOUT_SECONDS, gt=0,
                                                  validation_alias="MIGRATION_LOCK_TIMEOUT_SECONDS")
    # Bounded retries of a failing message before it goes to the dead-letter topic.
    consumer_max_attempts: int = Field(default=5, validation_alias="CONSUMER_MAX_ATTEMPTS")
    consumer_backoff_seconds: float = Field(default=0.2, validation_alias="CONSUMER_BACKOFF_SECONDS")
    # Events applied in one transaction, with one offset commit, when that many are waiting.
    consumer_batch_size: int = Field(default=50, ge=1, validation_alias="CONSUMER_BATCH_SIZE")
    # How often the consumer group's lag is measured (the consumer_lag gauge) and the consumer checked for a stall:
    # idle this long, at two checks in a row, while partitions assigned to it have messages waiting (its subscriber
    # is then restarted: `plumbing.runtime`).
    consumer_watch_seconds: float = Field(default=15.0, gt=0, validation_alias="CONSUMER_WATCH_SECONDS")
    consumer_stall_seconds: float = Field(default=60.0, gt=0, validation_alias="CONSUMER_STALL_SECONDS")
    # How long a stopping service waits for its background jobs: longer than a job's step may rightly take
    # (a notifications dispatcher finishing its SMTP batch), short of a hang.
    jobs_stop_seconds: float = Field(default=30.0, validation_alias="JOBS_STOP_SECONDS")
    # While Kafka is unreachable, its parts (topics, producer and relay, consumer) are tried again in the background,
    # first after this long, then twice as long each time up to the maximum (`plumbing.runtime`).
    kafka_retry_seconds: float = Field(default=0.5, gt=0, validation_alias="KAFKA_RETRY_SECONDS")
    kafka_retry_max_seconds: float = Field(default=10.0, gt=0, validation_alias="KAFKA_RETRY_MAX_SECONDS")
    # How long a request whose database connection was lost before it committed is tried again (PostgreSQL
    # restarting, failing over, a cut connection) before it is answered 503 (`plumbing.http`).
    database_retry_seconds: float = Field(default=5.0, ge=0, validation_alias="DATABASE_RETRY_SECONDS")

    _offline: bool = PrivateAttr(default=False)

    @field_validator("jwt_public_key")
    @classmethod
    def _an_ed25519_public_key(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from .auth import load_public_keys  # auth's command reads these settings

        try:
            load_public_keys(value)
        except ValueError as error:
            raise ValueError(f"JWT_PUBLIC_KEY: {error}") from None
        return value

    @field_validator("*")
    @classmethod
    def _keys_are_random_keys(cls, value: Any, info: ValidationInfo) -> Any:
        variable = cls.secret_fields().get(info.field_name or "")
        if value is not None and variable and variable.endswith("_KEY") and variable not in PEM_KEYS:
            check_random_key(variable, value.get_secret_value() if isinstance(value, SecretStr) else value)
        return value

    @field_validator("log_level")
    @classmethod
    def _a_log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
        return value.upper()

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        for address in (part.strip() for part in value.split(",")):
            try:
                if address != "*":
                    ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise ValueError(f"FORWARDED_ALLOW_IPS: {address!r} is not an IP address or network "
                                 "(e.g. 10.42.0.0/16), nor *") from None
        return value

    @classmethod
    def secret_fields(cls) -> dict[str, str]:
        """The fields marked `required_secret`, by name, with their variables."""
        return {name: str(field.validation_alias) for name, field in cls.model_fields.items()
                if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get(REQUIRED)}

    ADDRESSES: ClassVar[tuple[str, ...]] = (*KafkaSettings.ADDRESSES, "DATABASE_URL")

    def required_variables(self) -> list[str]:
        """The variables this service refuses to start without, as these settings connect to Kafka."""
        return [*self.secret_fields().values(), *super().required_variables()]

    def secret(self, name: str) -> str:
        """The value of the secret field `name` (checked present when the settings were made)."""
        value = getattr(self, name)
        value = value.get_secret_value() if isinstance(value, SecretStr) else value
        assert value, f"{name} is a required secret"
        return value

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
        if settings._offline:
            return cls.offline(**settings.model_dump())
        return cls(**settings.model_dump())

    @classmethod
    def offline(cls, **fields: Any) -> Self:
        """Settings to build a service with and never run it (its OpenAPI and AsyncAPI documents, unit tests): every
        secret not given is a random stand-in, which no token, broker or database of a real deployment matches."""
        from .auth import SigningKeys

        stand_ins: dict[str, Any] = {name: new_secret_key() for name in cls.secret_fields()}
        tokens = SigningKeys.generate()  # a pair: the web app's private key must be the services' public one's
        stand_ins |= {"jwt_public_key": tokens.public_pem, "kafka_sasl_username": "offline",
                      "kafka_sasl_password": new_secret_key()}
        if "jwt_private_key" in stand_ins:
            stand_ins["jwt_private_key"] = tokens.private_pem
            if fields.get("jwt_public_key") and not fields.get("jwt_private_key"):
                # A public key given (settings made offline before, as `of` converts them) is kept, beside the pair's.
                fields = {**fields, "jwt_public_key": fields["jwt_public_key"] + tokens.public_pem}
        # Its addresses are the development defaults: nothing connects to them, a unit test's fakes answer there.
        stand_ins |= {name: field.default for name, field in cls.model_fields.items()
                      if field.validation_alias in cls.ADDRESSES}
        settings = cls(**(stand_ins | fields))
        settings._offline = True
        return settings


class MailingSettings(ServiceSettings):
    """The settings of a service that sends email itself (notifications; the web app, its sign-in links): the relay,
    the sender, and the relay's credentials when it asks for them, given under TLS only."""

    ADDRESSES: ClassVar[tuple[str, ...]] = (*ServiceSettings.ADDRESSES, "SMTP_HOST", "MAIL_FROM")
    smtp_host: str = Field(default="127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=10025, validation_alias="SMTP_PORT")
    smtp_timeout_seconds: float = Field(default=10.0, validation_alias="SMTP_TIMEOUT_SECONDS")
    # A relay that asks for credentials (a hosted one does) is given them, under TLS only.
    smtp_username: str | None = Field(default=None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(default=None, validation_alias="SMTP_PASSWORD")
    # An address alone: each message is from the platform's name in its own language (a name given is every one's).
    mail_from: str = Field(default="no-reply@mentorship.example", validation_alias="MAIL_FROM")

    @model_validator(mode="after")
    def _smtp_credentials_as_a_pair(self) -> Self:
        if (self.smtp_username is None) != (self.smtp_password is None):
            missing = "SMTP_PASSWORD" if self.smtp_password is None else "SMTP_USERNAME"
            raise ValueError(f"{missing} not set: SMTP_USERNAME and SMTP_PASSWORD go together")
        return self

    def smtp_credentials(self) -> tuple[str, str] | None:
        if self.smtp_username is None or self.smtp_password is None:
            return None
        return self.smtp_username, self.smtp_password.get_secret_value()


def command_database_url(service: str) -> str | None:
    """The database an operator's command (`python -m <service> ...`) works on, as the service reads it: its own
    variable (`EVENTS_DATABASE_URL`) before the generic `DATABASE_URL`; the local runner's in development mode only.
    None: the command must be told."""
    named = os.environ.get(f"{service.upper()}_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if named or os.environ.get("MENTORSHIP_ENV") != "development":
        return named
    return f"postgresql://postgres@127.0.0.1:15432/{service}"
