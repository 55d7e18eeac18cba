"""Outside development mode the web app is told where people reach it, where the services and the mail relay are,
and whom it mails as: a loopback default would mail sign-in links nobody can open."""

import subprocess
import sys

import pytest
from plumbing.auth import SigningKeys
from plumbing.settings import new_secret_key
from pydantic import ValidationError
from web.config import WebSettings

KEYS = SigningKeys.generate()
DEPLOYMENT = {"jwt_public_key": KEYS.public_pem, "jwt_private_key": KEYS.private_pem, "form_key": new_secret_key(),
              "kafka_sasl_username": "web", "kafka_sasl_password": "a-password",
              "kafka_bootstrap_servers": "kafka.example:9093", "database_url": "postgresql://web@postgres.example/web",
              "profiles_url": "http://profiles:8000", "matching_url": "http://matching:8000",
              "events_url": "http://events:8000", "notifications_url": "http://notifications:8000",
              "public_base_url": "https://app.mentorship.example", "smtp_host": "smtp-relay",
              "mail_from": "Mentorship <no-reply@mentorship.example>"}
VARIABLES = {"profiles_url": "PROFILES_URL", "matching_url": "MATCHING_URL", "events_url": "EVENTS_URL",
             "notifications_url": "NOTIFICATIONS_URL", "public_base_url": "PUBLIC_BASE_URL", "smtp_host": "SMTP_HOST",
             "mail_from": "MAIL_FROM"}


@pytest.fixture(autouse=True)
def nothing_in_the_environment(monkeypatch):
    for variable in (*VARIABLES.values(), "MENTORSHIP_ENV"):
        monkeypatch.delenv(variable, raising=False)


def test_the_web_app_refuses_to_start_without_each_address_it_links_to_calls_or_mails_from():
    assert WebSettings(**DEPLOYMENT).public_base_url == "https://app.mentorship.example"
    for field, variable in VARIABLES.items():
        with pytest.raises(ValidationError, match=variable):
            WebSettings(**{name: value for name, value in DEPLOYMENT.items() if name != field})


def test_in_development_mode_the_web_app_links_to_where_the_local_runner_serves_it():
    given = {name: value for name, value in DEPLOYMENT.items() if name not in VARIABLES}
    settings = WebSettings(**given, environment="development")
    assert settings.public_base_url == "http://127.0.0.1:8105"


def test_the_web_app_refuses_to_start_with_a_private_key_whose_public_key_the_services_do_not_hold():
    # Half a rotation (or a pasted key of another deployment): every page would fail on the services' 401.
    other = SigningKeys.generate()
    for private, why in ((other.private_pem, "not the private key of JWT_PUBLIC_KEY"), ("garbage", "Ed25519")):
        with pytest.raises(ValidationError, match="JWT_PRIVATE_KEY") as refused:
            WebSettings(**{**DEPLOYMENT, "jwt_private_key": private})
        assert why in str(refused.value) and "garbage" not in str(refused.value)
    # While the pair is rotated, the services hold the old public key and the new: either private key is taken.
    both = KEYS.public_pem + other.public_pem
    for private in (KEYS.private_pem, other.private_pem):
        assert WebSettings(**{**DEPLOYMENT, "jwt_public_key": both, "jwt_private_key": private})


def test_starting_the_web_app_writes_nothing_but_json_lines_not_a_libraries_import_warning():
    # Imported before logging is set up, a warning would be plain text at the top of the app's log.
    started = subprocess.run([sys.executable, "-W", "default", "-c", "import web.bootstrap"],
                             capture_output=True, text=True, timeout=60)
    assert started.returncode == 0 and started.stderr == ""


def test_an_address_for_worries_about_a_mentorship_that_is_no_email_address_is_refused_at_start():
    assert WebSettings(**DEPLOYMENT, concerns_email="concerns@mentorship.example").concerns_email
    assert WebSettings(**DEPLOYMENT).concerns_email is None  # optional: ending for conduct is the way then
    with pytest.raises(ValidationError, match="concerns_email"):
        WebSettings(**DEPLOYMENT, concerns_email="the national team")
