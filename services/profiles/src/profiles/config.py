"""Settings of profiles: the common ones, and the key that seals identity attributes."""

from plumbing.settings import ServiceSettings
from pydantic import Field

# Development only, like the default JWT secret: deployments set PROFILES_IDENTITY_KEY
# (`python -m profiles.adapters.sealing` prints a fresh one).
_DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQtb25seS1pZGVudGl0eS1rZXktISE="


class ProfilesSettings(ServiceSettings):
    service_name: str = "profiles"
    identity_key: str = Field(default=_DEVELOPMENT_KEY, validation_alias="PROFILES_IDENTITY_KEY")
