"""No built-in secrets, tokens signed by a key the services never hold, and authorization that fails closed.

A service refuses to start without the settings it must not guess (the key that verifies tokens, its Kafka
credentials); development mode relaxes only what is safe (a broker without authentication on this machine).
Tokens are Ed25519-signed: a service holds the public key only, and accepts a token only when it is the audience.
"""

import time
from uuid import uuid4

import httpx
import jwt
import pytest
from fastapi import APIRouter, Depends
from plumbing import auth
from plumbing.http import create_app
from plumbing.metrics import Metrics
from plumbing.settings import ServiceSettings
from pydantic import ValidationError

KEYS = auth.SigningKeys.generate()
# What the code used to fall back to when JWT_SECRET was unset.
COMMITTED_DEVELOPMENT_SECRET = "dev-only-secret-change-me-in-production"
SETTINGS_VARIABLES = ("JWT_SECRET", "JWT_PUBLIC_KEY", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM",
                      "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_SSL_CA_FILE", "MENTORSHIP_ENV",
                      "KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "PROFILES_DATABASE_URL", "MATCHING_DATABASE_URL")
# Where a deployment's services connect, and as whom.
ADDRESSES = {"kafka_bootstrap_servers": "kafka.example:9093",
             "database_url": "postgresql://profiles:a-password@postgres.example:5432/profiles"}
KAFKA = {"kafka_sasl_username": "profiles", "kafka_sasl_password": "a-password", **ADDRESSES}


@pytest.fixture(autouse=True)
def nothing_in_the_environment(monkeypatch):
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class FakeService:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.metrics = Metrics(settings.service_name)

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def readiness(self) -> dict:
        return {"database": True}


router = APIRouter()


@router.get("/whoami")
async def whoami(caller: auth.Principal = Depends(auth.current_principal)) -> dict:
    return {"role": caller.role, "chapters": sorted(str(c) for c in caller.chapter_ids)}


async def status_of(settings: ServiceSettings, token: str) -> int:
    app = create_app(FakeService(settings), [router], title="fake")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        return (await http.get("/whoami", headers={"Authorization": f"Bearer {token}"})).status_code


def profiles_settings() -> ServiceSettings:
    return ServiceSettings(service_name="profiles", jwt_public_key=KEYS.public_pem, **KAFKA)


# --- settings: no built-in secrets ------------------------------------------------------------------------------


def test_a_service_refuses_to_start_without_the_key_that_verifies_tokens():
    with pytest.raises(ValidationError, match="JWT_PUBLIC_KEY"):
        ServiceSettings(service_name="profiles", **KAFKA)


def test_a_service_refuses_to_start_without_its_kafka_credentials():
    with pytest.raises(ValidationError, match="KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD"):
        ServiceSettings(service_name="profiles", jwt_public_key=KEYS.public_pem)


def test_a_service_refuses_to_start_without_being_told_where_its_database_and_kafka_are():
    # Loopback defaults would have a pod missing its Secret connect to nothing, or to whatever listens there, as the
    # database's superuser without a password.
    for address, variable in (("database_url", "DATABASE_URL"), ("kafka_bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS")):
        given = {name: value for name, value in KAFKA.items() if name != address}
        with pytest.raises(ValidationError, match=variable):
            ServiceSettings(service_name="profiles", jwt_public_key=KEYS.public_pem, **given)


def test_development_mode_connects_to_the_local_runners_database_and_broker_unless_told_otherwise():
    development = ServiceSettings(jwt_public_key=KEYS.public_pem, kafka_security_protocol="PLAINTEXT",
                                  environment="development")
    assert development.kafka_bootstrap_servers.startswith("127.0.0.1:")
    assert "@127.0.0.1:" in development.database_url


def test_a_broker_without_authentication_is_for_development_mode_only():
    with pytest.raises(ValidationError, match="MENTORSHIP_ENV=development"):
        ServiceSettings(jwt_public_key=KEYS.public_pem, kafka_security_protocol="PLAINTEXT", **ADDRESSES)
    development = ServiceSettings(jwt_public_key=KEYS.public_pem, kafka_security_protocol="PLAINTEXT",
                                  environment="development")
    assert development.kafka_client_options()["security_protocol"] == "PLAINTEXT"


def test_development_mode_brings_no_key_of_its_own(monkeypatch):
    monkeypatch.setenv("MENTORSHIP_ENV", "development")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    with pytest.raises(ValidationError, match="JWT_PUBLIC_KEY"):
        ServiceSettings()


def test_a_verification_key_that_is_not_an_ed25519_public_key_is_refused_at_start():
    with pytest.raises(ValidationError, match="JWT_PUBLIC_KEY"):
        ServiceSettings(jwt_public_key=COMMITTED_DEVELOPMENT_SECRET, **KAFKA)
    with pytest.raises(ValidationError, match="JWT_PUBLIC_KEY"):
        ServiceSettings(jwt_public_key=KEYS.private_pem, **KAFKA)


def test_the_settings_read_the_kafka_credentials_from_the_environment_and_every_client_uses_them(monkeypatch):
    monkeypatch.setenv("JWT_PUBLIC_KEY", KEYS.public_pem)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example:9093")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "matching")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://matching@postgres.example/matching")
    settings = ServiceSettings.for_service("matching")
    assert settings.kafka_client_options() == {
        "bootstrap_servers": "kafka.example:9093", "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "matching", "sasl_plain_password": "s3cret",
    }
    assert "s3cret" not in repr(settings)


def test_by_default_the_broker_is_reached_over_tls_with_the_system_trust_store():
    options = ServiceSettings(jwt_public_key=KEYS.public_pem, **KAFKA).kafka_client_options()
    assert options["security_protocol"] == "SASL_SSL" and options["ssl_context"] is not None


def test_settings_made_offline_carry_stand_ins_that_no_real_service_accepts():
    one, another = ServiceSettings.offline(service_name="profiles"), ServiceSettings.offline(service_name="profiles")
    assert one.jwt_public_key != another.jwt_public_key
    assert ServiceSettings.of(one) is one


# --- tokens ---------------------------------------------------------------------------------------------------


async def test_a_token_signed_with_the_committed_development_secret_is_refused(monkeypatch):
    monkeypatch.setenv("JWT_PUBLIC_KEY", KEYS.public_pem)
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "profiles")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "a-password")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka.example:9093")
    monkeypatch.setenv("DATABASE_URL", "postgresql://profiles@postgres.example/profiles")
    now = int(time.time())
    forged = jwt.encode({"iss": auth.ISSUER, "sub": "admin", "role": "admin", "aud": "profiles", "iat": now,
                         "exp": now + 60}, COMMITTED_DEVELOPMENT_SECRET, algorithm="HS256")
    assert await status_of(ServiceSettings.for_service("profiles"), forged) == 401


async def test_a_token_is_accepted_by_its_audience_only():
    token = auth.mint(KEYS.private_pem, audience="matching", role="admin")
    assert await status_of(profiles_settings(), token) == 401
    assert await status_of(profiles_settings(), auth.mint(KEYS.private_pem, audience="profiles", role="admin")) == 200
    several = auth.mint(KEYS.private_pem, audience=["matching", "profiles"], role="admin")
    assert await status_of(profiles_settings(), several) == 200


async def test_while_the_token_key_is_rotated_a_service_accepts_tokens_signed_by_either_key_it_is_given():
    # Rotating without a moment of refused tokens: every service is given the new public key beside the old, then the
    # web app signs with the new private key, then the old public key goes.
    new = auth.SigningKeys.generate()
    both = ServiceSettings(service_name="profiles", jwt_public_key=KEYS.public_pem + new.public_pem, **KAFKA)
    for keys in (KEYS, new):
        assert await status_of(both, auth.mint(keys.private_pem, audience="profiles", role="admin")) == 200
    stranger = auth.SigningKeys.generate()
    assert await status_of(both, auth.mint(stranger.private_pem, audience="profiles", role="admin")) == 401
    with pytest.raises(ValidationError, match="JWT_PUBLIC_KEY"):
        ServiceSettings(service_name="profiles", jwt_public_key=KEYS.public_pem + "-----BEGIN PUBLIC KEY-----\nAA==\n"
                        "-----END PUBLIC KEY-----\n", **KAFKA)


async def test_a_token_signed_by_another_key_is_refused():
    token = auth.mint(auth.SigningKeys.generate().private_pem, audience="profiles", role="admin")
    assert await status_of(profiles_settings(), token) == 401


async def test_a_token_that_lives_longer_than_tokens_may_is_refused():
    token = auth.mint(KEYS.private_pem, audience="profiles", role="admin", ttl_seconds=auth.MAX_TTL_SECONDS + 60)
    assert await status_of(profiles_settings(), token) == 401


async def test_a_coordinator_token_without_chapters_is_refused():
    token = auth.mint(KEYS.private_pem, audience="profiles", role="coordinator")
    assert await status_of(profiles_settings(), token) == 401


def test_a_coordinator_coordinates_each_of_their_chapters_and_no_other():
    a, b = uuid4(), uuid4()
    caller = auth.verify(KEYS.public_pem, auth.mint(KEYS.private_pem, audience="events", role="coordinator",
                                                    chapter_ids=[a, b]), audience="events")
    assert caller.chapter_ids == {a, b}
    assert caller.coordinates(a) and caller.coordinates(b) and not caller.coordinates(uuid4())
    assert not caller.coordinates(None)
    assert caller.chapter_scope(a) == a and caller.chapter_scope(uuid4()) is None
    assert caller.chapter_scope(None) is None, "with several chapters, a listing names the one it is about"
    only = auth.verify(KEYS.public_pem, auth.mint(KEYS.private_pem, audience="events", role="coordinator",
                                                  chapter_id=a), audience="events")
    assert only.chapter_scope(None) == a


def test_a_principal_built_without_chapters_coordinates_nothing():
    nobody = auth.Principal(subject="x", role=auth.Role.COORDINATOR)
    assert not nobody.coordinates(None) and nobody.chapter_scope(None) is None


def test_the_development_command_mints_with_the_private_key_it_is_given(monkeypatch, capsys):
    monkeypatch.setenv("JWT_PRIVATE_KEY", KEYS.private_pem)
    chapter = uuid4()
    assert auth.main(["mint", "--role", "coordinator", "--chapter-id", str(chapter), "--audience", "events"]) == 0
    token = capsys.readouterr().out.strip()
    caller = auth.verify(KEYS.public_pem, token, audience="events")
    assert caller.role is auth.Role.COORDINATOR and caller.chapter_ids == {chapter}
    assert jwt.decode(token, options={"verify_signature": False})["exp"] - int(time.time()) <= auth.MAX_TTL_SECONDS
