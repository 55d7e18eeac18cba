"""Crypto-shredding of the personal data on restricted topics: sealing events under a person's data key, opening
them, and the service identities that may ask profiles for those keys.

- `seal_event(clear, key_id, key)`: the sealed version of a clear event (`mentorship_contracts.sealed`): its
  personal fields, as JSON, sealed with AES-256-GCM, the person's id as associated data. `open_event` reverses it.
- A consumer of a restricted topic proves who it is to profiles with a key pair of its own: it holds the private
  key (`<SERVICE>_SERVICE_KEY`, a 32-byte Ed25519 seed, URL-safe base64: the form every generated secret takes),
  profiles trusts its public key by configuration (`PROFILES_DATA_KEY_READERS`, `service:public-key,...`).
  A request carries a short-lived token the service signs itself (EdDSA, audience `profiles`), so no other
  service, the web app whose key signs people's tokens included, can ask for a person's key.

    python -m plumbing.personal_data readers   # PROFILES_DATA_KEY_READERS, from the readers' <SERVICE>_SERVICE_KEY
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import sys
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from mentorship_contracts import (
    CATALOGUE,
    Classification,
    IntegrationEvent,
    SealedEvent,
    sealed_version_of,
    sealed_versions,
)

from .settings import ConfigurationError, configuration_checked

NONCE_BYTES = 12
KEY_BYTES = 32


class CannotOpen(ValueError):
    """The sealed fields do not open with this key: tampered with, or sealed under another key or person."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.encode())


def seal_event(event: IntegrationEvent, key_id: str, key: bytes) -> SealedEvent:
    """The sealed version of `event` (which must have one), its personal fields sealed under `key`."""
    model = sealed_version_of(type(event))
    if model is None:
        raise TypeError(f"{type(event).__name__} has no sealed version")
    person_id: UUID = event.person_id  # type: ignore[attr-defined]
    personal = event.model_dump(mode="json", include=set(model.personal_fields()))
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, json.dumps(personal, separators=(",", ":")).encode(), person_id.bytes)
    clear = event.model_dump(include=set(model.clear_fields()))
    return model(**clear, key_id=key_id, sealed=_b64(nonce + ciphertext))


def open_event(event: SealedEvent, key: bytes) -> IntegrationEvent:
    """The clear version of a sealed event: the same envelope and ids, the personal fields opened."""
    try:
        raw = _unb64(event.sealed)
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], event.person_id.bytes)
        personal: dict[str, Any] = json.loads(plain)
    except Exception as error:
        raise CannotOpen(f"the sealed fields of {event.event_type} v{event.schema_version} do not open") from error
    if set(personal) != set(event.personal_fields()):
        raise CannotOpen("the sealed fields are not the personal fields of the clear version")
    clear = event.model_dump(include=set(event.clear_fields()))
    return event.clear_model.model_validate({**clear, **personal})


def key_readers() -> frozenset[str]:
    """The services that may ask profiles for people's data keys: the consumers the topic catalogue names for a
    restricted topic, and the services that publish a sealed event; besides profiles, which holds the keys (and reads
    matching's restricted pairings of private programs, sealed under no one's key)."""
    consumers = {c for t in CATALOGUE if t.classification == Classification.RESTRICTED for c in t.consumers}
    sealers = {m.model_fields["producer"].default for m in sealed_versions()}
    return frozenset(consumers | sealers) - {"profiles"}


def signing_key_variable(service: str) -> str:
    """The variable holding the private key a key reader signs its requests to profiles with."""
    return f"{service.upper()}_SERVICE_KEY"


READERS_VARIABLE = "PROFILES_DATA_KEY_READERS"


def signing_key(seed: str) -> Ed25519PrivateKey:
    try:
        raw = _unb64(seed)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ValueError("a service key is 32 bytes (an Ed25519 seed), URL-safe base64")
    return Ed25519PrivateKey.from_private_bytes(raw)


def check_service_key(service: str, seed: str) -> None:
    """Refuse a `<SERVICE>_SERVICE_KEY` that is not an Ed25519 seed, naming the variable."""
    try:
        signing_key(seed)
    except ValueError as error:
        raise ConfigurationError(f"{signing_key_variable(service)}: {error}") from None


def private_pem(seed: str) -> str:
    return signing_key(seed).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()


def public_key_text(seed: str) -> str:
    """The public key of a service key, as profiles' configuration names it (raw 32 bytes, URL-safe base64)."""
    return _b64(signing_key(seed).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def readers_setting(seeds: dict[str, str]) -> str:
    """The value of PROFILES_DATA_KEY_READERS for these readers' service keys."""
    return ",".join(f"{service}:{public_key_text(seed)}" for service, seed in sorted(seeds.items()))


def parse_readers(value: str) -> dict[str, str]:
    """PROFILES_DATA_KEY_READERS as service -> public key in PEM; ValueError when malformed."""
    readers: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        service, separator, key = item.partition(":")
        if not separator or not service:
            raise ValueError(f"{READERS_VARIABLE}: each entry is service:public-key, not {item[:20]!r}")
        try:
            raw = _unb64(key)
        except ValueError:
            raw = b""
        if len(raw) != KEY_BYTES:
            raise ValueError(f"{READERS_VARIABLE}: the key of {service} is not 32 bytes of URL-safe base64")
        # A service named twice is trusted with either key: its old and new ones while its key is rotated.
        readers[service] = readers.get(service, "") + Ed25519PublicKey.from_public_bytes(raw).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    if not readers:
        raise ValueError(f"{READERS_VARIABLE} names no service")
    return readers


def data_key_settings(profiles_url: str, seeds: dict[str, str]) -> dict[str, dict[str, str]]:
    """The settings that let each reader of restricted topics ask profiles (at `profiles_url`) for data keys with its
    own service key (`seeds`: reader -> key), and profiles trust them: service name -> settings (test platforms)."""
    wiring: dict[str, dict[str, str]] = {reader: {"service_key": seed, "profiles_url": profiles_url}
                                         for reader, seed in seeds.items()}
    wiring["profiles"] = {"data_key_readers": readers_setting(seeds)}
    return wiring


def main(argv: list[str] | None = None) -> int:
    """`readers` prints PROFILES_DATA_KEY_READERS for the consumers of restricted topics, each service's public key
    derived from its own <SERVICE>_SERVICE_KEY in the environment: the private keys are not printed."""
    parser = argparse.ArgumentParser(prog="python -m plumbing.personal_data", description=main.__doc__)
    parser.add_argument("command", choices=["readers"])
    parser.parse_args(argv)
    variables = {reader: signing_key_variable(reader) for reader in sorted(key_readers())}
    with configuration_checked("readers"):
        if missing := [variable for variable in variables.values() if not os.environ.get(variable)]:
            raise ConfigurationError(f"{', '.join(missing)} not set: {READERS_VARIABLE} is derived from each reader's "
                                     "own service key")
        for reader, variable in variables.items():
            check_service_key(reader, os.environ[variable])
    print(readers_setting({reader: os.environ[variable] for reader, variable in variables.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
