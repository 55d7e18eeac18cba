from typing import ClassVar

from plumbing.settings import ServiceSettings, required_secret
from pydantic import Field, SecretStr


class EventsSettings(ServiceSettings):
    service_name: str = "events"
    ADDRESSES: ClassVar[tuple[str, ...]] = (*ServiceSettings.ADDRESSES, "PROFILES_URL")
    # How often each instance looks for reminders to send (the pass itself runs in one instance at a time).
    reminder_poll_seconds: float = Field(default=60.0, validation_alias="REMINDER_POLL_SECONDS")
    # An organiser's reason for removing a registrant is sealed under the registrant's data key, asked of profiles
    # (PROFILES_URL) in requests signed with this service's own Ed25519 key (a 32-byte seed, URL-safe base64; profiles
    # trusts its public key, PROFILES_DATA_KEY_READERS). No default. Keys are kept in memory this long.
    profiles_url: str = Field(default="http://127.0.0.1:8101", validation_alias="PROFILES_URL")
    service_key: SecretStr | None = required_secret("EVENTS_SERVICE_KEY", "the key signing requests for data keys")
    data_key_cache_seconds: float = Field(default=60.0, ge=0, validation_alias="DATA_KEY_CACHE_SECONDS")
