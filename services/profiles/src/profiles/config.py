"""Settings of profiles: the common ones, and the key that seals identity attributes."""

from plumbing.settings import ServiceSettings
from pydantic import Field

# Development only, like the default JWT secret: deployments set PROFILES_IDENTITY_KEY
# (`python -m profiles.adapters.sealing` prints a fresh one).
_DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seS1pZGVudGl0eS1rZXktISE="


class ProfilesSettings(ServiceSettings):
    identity_key: str = Field(default=_DEVELOPMENT_KEY, validation_alias="PROFILES_IDENTITY_KEY")

    @classmethod
    def of(cls, settings: ServiceSettings | None) -> "ProfilesSettings":
        """These settings, from the environment or from common ones (the end-to-end tests pass those)."""
        if isinstance(settings, cls):
            return settings
        if settings is None:
            return cls.for_service("profiles")
        return cls(**settings.model_dump())
