"""Settings of profiles: the common ones, and the key that seals identity attributes."""

from plumbing.settings import ServiceSettings, required_secret
from pydantic import SecretStr


class ProfilesSettings(ServiceSettings):
    service_name: str = "profiles"
    # AES-256 key, URL-safe base64 (`python -m profiles.adapters.sealing` prints a fresh one). No default.
    identity_key: SecretStr | None = required_secret("PROFILES_IDENTITY_KEY", "the key sealing identity attributes")
