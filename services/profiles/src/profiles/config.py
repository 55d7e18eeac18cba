"""Settings of profiles: the common ones, the key that seals identity attributes, and who may ask for data keys."""

from typing import Any, Self

from plumbing.personal_data import READERS_VARIABLE, key_readers, parse_readers, readers_setting
from plumbing.settings import ServiceSettings, new_secret_key, required_secret
from pydantic import SecretStr, field_validator


class ProfilesSettings(ServiceSettings):
    service_name: str = "profiles"
    # AES-256 key, URL-safe base64 (`python -m profiles.adapters.sealing` prints a fresh one). No default.
    identity_key: SecretStr | None = required_secret("PROFILES_IDENTITY_KEY", "the key sealing identity attributes")
    # The services that may read people's data keys (`GET /v1/data-keys`), each with the public key of the key pair
    # it signs its requests with: `matching:<key>,notifications:<key>` (raw Ed25519 public keys, URL-safe base64;
    # `plumbing.personal_data.readers_setting`). Only consumers of a restricted topic are ever answered. No default.
    data_key_readers: str | None = required_secret(
        READERS_VARIABLE, "the services that may read data keys, with their public keys")

    @field_validator("data_key_readers")
    @classmethod
    def _service_public_keys(cls, value: str | None) -> str | None:
        if value:
            parse_readers(value)
        return value

    def readers(self) -> dict[str, str]:
        """Service -> public key (PEM), for the consumers of restricted topics only."""
        return {service: key for service, key in parse_readers(self.secret("data_key_readers")).items()
                if service in key_readers()}

    @classmethod
    def offline(cls, **fields: Any) -> Self:
        fields.setdefault("data_key_readers", readers_setting({s: new_secret_key() for s in key_readers()}))
        return super().offline(**fields)
