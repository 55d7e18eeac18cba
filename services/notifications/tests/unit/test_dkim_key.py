"""A DKIM key the service cannot sign with stops it at start, in one line naming the variable that holds it (status
2, as every configuration problem), rather than letting it start healthy and then fail every email it sends; a
usable key signs what it sends."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from notifications.bootstrap import _dkim_signer, build_app
from notifications.config import NotificationsSettings
from plumbing.auth import SigningKeys
from plumbing.settings import configuration_checked, new_secret_key

# What a deployment gives notifications, each test adding its DKIM key.
ADDRESSES = {"KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9093", "DATABASE_URL": "postgresql://n@postgres.example/n",
             "SMTP_HOST": "smtp-relay", "MAIL_FROM": "Mentorship <no-reply@mentorship.example>",
             "WEB_BASE_URL": "https://app.mentorship.example",
             "PROFILES_URL": "http://profiles:8000"}
COMMON = {"jwt_public_key": SigningKeys.generate().public_pem, "kafka_sasl_username": "notifications",
          "kafka_sasl_password": "a-password", "service_key": new_secret_key(), "link_signing_key": new_secret_key(),
          **{variable.lower(): value for variable, value in ADDRESSES.items()}}
MESSAGE = b"From: Mentorship <no-reply@mentorship.example>\r\nTo: sam@example.org\r\nSubject: Hi\r\n\r\nHello\r\n"


def pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def refusal(capsys, **settings) -> list[str]:
    """What starting the service says on stderr, line by line, once it refused (status 2)."""
    with pytest.raises(SystemExit) as stopped, configuration_checked("notifications"):
        build_app(NotificationsSettings(**COMMON, **settings))
    assert stopped.value.code == 2
    return capsys.readouterr().err.splitlines()


def test_a_key_that_is_no_key_stops_the_service_at_start_naming_its_variable(capsys):
    [line] = refusal(capsys, dkim_private_key="garbage")
    assert line.startswith("notifications: DKIM_PRIVATE_KEY: ") and "garbage" not in line


def test_a_key_file_that_is_not_there_or_holds_no_key_stops_it_naming_that_variable(capsys, tmp_path: Path):
    [line] = refusal(capsys, dkim_private_key_file=str(tmp_path / "nonexistent.pem"))
    assert line.startswith("notifications: DKIM_PRIVATE_KEY_FILE: ") and "nonexistent.pem" in line
    not_a_key = tmp_path / "not-a-key.pem"
    not_a_key.write_text("garbage")
    [line] = refusal(capsys, dkim_private_key_file=str(not_a_key))
    assert line.startswith("notifications: DKIM_PRIVATE_KEY_FILE: ") and "garbage" not in line


def test_a_key_of_a_kind_the_signer_does_not_use_stops_it_too(capsys):
    """The signer signs rsa-sha256: an Ed25519 key would fail each email in turn."""
    [line] = refusal(capsys, dkim_private_key=pem(ed25519.Ed25519PrivateKey.generate()))
    assert line.startswith("notifications: DKIM_PRIVATE_KEY: ")


def test_a_usable_key_from_the_variable_or_its_file_signs_what_is_sent(tmp_path: Path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    key_file = tmp_path / "dkim.pem"
    key_file.write_text(pem(key))
    for given in ({"dkim_private_key": pem(key)}, {"dkim_private_key_file": str(key_file)}):
        signer = _dkim_signer(NotificationsSettings(**COMMON, **given))
        assert signer is not None
        assert dkim.verify(signer(MESSAGE), dnsfunc=lambda name, timeout=5: record)
    build_app(NotificationsSettings(**COMMON, dkim_private_key=pem(key)))
    assert _dkim_signer(NotificationsSettings(**COMMON)) is None  # none given: unsigned, for a development relay


def test_the_service_refuses_to_start_with_one_line_and_status_2_not_a_traceback(tmp_path: Path):
    env = {**os.environ, "JWT_PUBLIC_KEY": COMMON["jwt_public_key"], "KAFKA_SASL_USERNAME": "notifications",
           "KAFKA_SASL_PASSWORD": "a-password", "NOTIFICATIONS_SERVICE_KEY": COMMON["service_key"],
           "NOTIFICATIONS_LINK_SIGNING_KEY": new_secret_key(), "DKIM_PRIVATE_KEY_FILE": str(tmp_path / "nonexistent.pem"),
           **ADDRESSES}
    env.pop("DKIM_PRIVATE_KEY", None)
    started = subprocess.run([sys.executable, "-m", "notifications"], env=env, capture_output=True, text=True,
                             timeout=60)
    assert started.returncode == 2, started.stderr
    [line] = started.stderr.splitlines()
    assert line.startswith("notifications: DKIM_PRIVATE_KEY_FILE: ")
