"""Matching's settings beyond the common ones."""

from typing import ClassVar

from plumbing.settings import ServiceSettings, required_secret
from pydantic import Field, SecretStr


class MatchingSettings(ServiceSettings):
    service_name: str = "matching"
    ADDRESSES: ClassVar[tuple[str, ...]] = (*ServiceSettings.ADDRESSES, "PROFILES_URL")
    # How often each instance looks for queued rounds and for overdue meetings, renewals and ended terms.
    round_poll_seconds: float = Field(default=1.0, validation_alias="MATCHING_ROUND_POLL_SECONDS")
    # A running round's claim, renewed as it reports progress (twice a second): a round not heard of for this long is
    # claimed again by another instance (its own stopped mid-round).
    round_lease_seconds: float = Field(default=60.0, gt=0, validation_alias="MATCHING_ROUND_LEASE_SECONDS")
    lifecycle_poll_seconds: float = Field(default=60.0, validation_alias="MATCHING_LIFECYCLE_POLL_SECONDS")
    renewal_notice_days: int = Field(default=30, validation_alias="MATCHING_RENEWAL_NOTICE_DAYS")
    # A proposal or a request not answered within this many days (unless its program sets its own) lapses; its mentee
    # is paired again (or may ask another mentor), and never with the one who did not answer.
    answer_within_days: int = Field(default=14, ge=1, le=365, validation_alias="MATCHING_ANSWER_WITHIN_DAYS")
    # The key identity values are kept under, as keyed hashes (adapters/identity_hashing.py): 32 random bytes,
    # URL-safe base64. A secret without a default: matching refuses to start without it.
    identity_key: SecretStr | None = required_secret("MATCHING_IDENTITY_KEY", "the key identity values are hashed under")
    # Sealed events on the restricted topics are opened with people's data keys, asked of profiles (PROFILES_URL) in
    # requests signed with this service's own Ed25519 key (a 32-byte seed, URL-safe base64; profiles trusts its
    # public key, PROFILES_DATA_KEY_READERS). No default. Keys are kept in memory this long.
    profiles_url: str = Field(default="http://127.0.0.1:8101", validation_alias="PROFILES_URL")
    service_key: SecretStr | None = required_secret("MATCHING_SERVICE_KEY", "the key signing requests for data keys")
    data_key_cache_seconds: float = Field(default=60.0, ge=0, validation_alias="DATA_KEY_CACHE_SECONDS")
