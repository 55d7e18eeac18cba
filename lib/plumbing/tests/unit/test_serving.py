"""How an instance is served: behind an ingress it sees each visitor's address (the proxies it trusts are a setting),
and a configuration it cannot run with stops it with one line per problem, naming the variable, and status 2,
never a stack trace."""

import base64
import os

import pytest
import uvicorn
from plumbing import auth, dead_letters, kafka_access
from plumbing.serve import serve, uvicorn_options
from plumbing.settings import ServiceSettings, check_random_key, new_secret_key, required_secret
from pydantic import SecretStr

KEYS = auth.SigningKeys.generate()
INGRESS_POD, VISITOR = "10.42.0.17", "203.0.113.7"
# What a deployment gives every service; each test changes what it is about.
ENVIRONMENT = {"JWT_PUBLIC_KEY": KEYS.public_pem, "KAFKA_SASL_USERNAME": "profiles", "KAFKA_SASL_PASSWORD": "a-password",
               "KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9093", "DATABASE_URL": "postgresql://profiles@postgres.example/p"}


class KeyedSettings(ServiceSettings):
    """A service with a key of its own, as profiles, matching or the web app have."""

    service_name: str = "keyed"
    signing_key: SecretStr | None = required_secret("KEYED_SIGNING_KEY", "a key of its own")


@pytest.fixture(autouse=True)
def a_deployments_environment(monkeypatch):
    for variable in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_SSL_CA_FILE", "HTTP_PORT", "LOG_LEVEL", "FORWARDED_ALLOW_IPS",
                     "MENTORSHIP_ENV", "KAFKA_REPLICATION_FACTOR"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in ENVIRONMENT.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("KEYED_SIGNING_KEY", new_secret_key())


async def client_seen_by_the_app(settings: ServiceSettings) -> str:
    """The client address the app sees for a request the ingress pod forwards for a visitor, as uvicorn serves it."""

    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["client"][0].encode()})

    config = uvicorn.Config(app, **uvicorn_options(settings))
    config.load()
    seen = []

    async def send(message) -> None:
        if message["type"] == "http.response.body":
            seen.append(message["body"].decode())

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "path": "/sign-in",
             "raw_path": b"/sign-in", "query_string": b"", "root_path": "", "scheme": "http",
             "headers": [(b"x-forwarded-for", VISITOR.encode())], "client": (INGRESS_POD, 50000),
             "server": ("10.42.1.5", 8000)}
    await config.loaded_app(scope, lambda: {"type": "http.request", "body": b""}, send)
    return seen[0]


async def test_behind_an_ingress_whose_pods_it_trusts_the_app_sees_each_visitors_own_address():
    # Given as the settings, not read by uvicorn from the environment behind their back.
    trusting = ServiceSettings.for_service("web", forwarded_allow_ips="10.42.0.0/16")
    assert await client_seen_by_the_app(trusting) == VISITOR


async def test_by_default_only_a_proxy_on_the_same_machine_may_say_whose_request_it_forwards():
    assert await client_seen_by_the_app(ServiceSettings.for_service("web")) == INGRESS_POD


def build_keyed_app():
    """What a service's `build_app` does first: read its settings from the environment."""
    KeyedSettings.for_service("keyed")
    raise AssertionError("the settings were expected to be refused")


def stopped_with(capsys) -> str:
    """What serving said on stderr when the configuration stopped it (with status 2, as for a wrong command line)."""
    with pytest.raises(SystemExit) as stopped:
        serve(build_keyed_app)
    assert stopped.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(("variable", "value"), [
    ("HTTP_PORT", "http"),
    ("LOG_LEVEL", "verbose"),
    ("KAFKA_SSL_CA_FILE", "/nonexistent/kafka-ca.pem"),
    ("KAFKA_REPLICATION_FACTOR", "0"),
    ("FORWARDED_ALLOW_IPS", "the-ingress"),
    ("JWT_PUBLIC_KEY", ""),
])
def test_a_setting_a_service_cannot_run_with_stops_it_with_one_line_naming_the_variable(
    monkeypatch, capsys, variable, value
):
    monkeypatch.setenv(variable, value)
    err = stopped_with(capsys)
    assert err.count("\n") == 1 and variable in err and "Traceback" not in err


@pytest.mark.parametrize("key", [
    "REPLACE-key", "c2hvcnQ=", "not base64 at all!",
    # Long enough, and base64, but nobody's random bytes: a placeholder made longer, zeros, a word repeated.
    "REPLACE-key-REPLACE-key-REPLACE-key-REPLACE-key", "A" * 43, "changemechangemechangemechangemechangeme1234",
    base64.urlsafe_b64encode(b"0123456789abcdef" * 2).decode(), "REPLACE-key" * 4,
    "REPLACE-this-with-a-real-key-from-the-secrets-file", "correct-horse-battery-staple-correct-horse-battery",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", base64.urlsafe_b64encode(bytes(range(32))).decode()])
def test_a_key_that_is_not_32_random_bytes_in_url_safe_base64_is_refused_by_name_without_showing_it(
    monkeypatch, capsys, key
):
    monkeypatch.setenv("KEYED_SIGNING_KEY", key)
    err = stopped_with(capsys)
    assert err.count("\n") == 1 and "KEYED_SIGNING_KEY" in err and key not in err


def test_a_key_made_as_the_docs_say_is_taken_every_time():
    # Standard base64 too (`openssl rand -base64 32`), its padding kept.
    for _ in range(20000):
        check_random_key("KEYED_SIGNING_KEY", new_secret_key())
        check_random_key("KEYED_SIGNING_KEY", base64.b64encode(os.urandom(32)).decode())


def test_every_problem_of_the_configuration_is_told_at_once(monkeypatch, capsys):
    monkeypatch.setenv("HTTP_PORT", "http")
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    monkeypatch.setenv("KEYED_SIGNING_KEY", "REPLACE-key")
    lines = stopped_with(capsys).splitlines()
    assert len(lines) == 3
    assert [variable for variable in ("HTTP_PORT", "LOG_LEVEL", "KEYED_SIGNING_KEY")
            if any(variable in line for line in lines)] == ["HTTP_PORT", "LOG_LEVEL", "KEYED_SIGNING_KEY"]


@pytest.mark.parametrize("command", [lambda: dead_letters.main(["list", "--group", "matching"]),
                                     lambda: kafka_access.main(["provision"])], ids=["dead-letters", "provision"])
def test_the_operators_commands_refuse_a_configuration_they_cannot_run_with_in_one_line(monkeypatch, capsys, command):
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SCRAM")
    with pytest.raises(SystemExit) as stopped:
        command()
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "KAFKA_SECURITY_PROTOCOL" in err and "Traceback" not in err
