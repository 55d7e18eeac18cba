from datetime import timedelta
from pathlib import Path
from typing import ClassVar

from plumbing.settings import MailingSettings, required_secret
from pydantic import Field, SecretStr

from .adapters.links import DEVELOPMENT_CONTACT_EMAIL
from .service_layer.dispatch import DispatchPolicy


class NotificationsSettings(MailingSettings):
    service_name: str = "notifications"
    ADDRESSES: ClassVar[tuple[str, ...]] = (*MailingSettings.ADDRESSES, "WEB_BASE_URL", "PROFILES_URL")
    # Signs the unsubscribe links in emails: a key of notifications' own, never the one of login tokens. No default.
    link_signing_key: SecretStr | None = required_secret("NOTIFICATIONS_LINK_SIGNING_KEY", "the key signing links")
    # The keys it replaced, comma-separated: links are signed with the key alone, and read with it or these, so a
    # rotation leaves the unsubscribe links of emails already sent working while these are kept (RUNBOOK).
    link_signing_keys_previous: SecretStr | None = Field(default=None,
                                                         validation_alias="NOTIFICATIONS_LINK_SIGNING_KEYS_PREVIOUS")

    def previous_link_signing_keys(self) -> list[str]:
        kept = self.link_signing_keys_previous.get_secret_value() if self.link_signing_keys_previous else ""
        return [key.strip() for key in kept.split(",") if key.strip()]
    # Where the web app serves the pages messages link to, the unsubscribe page included (adapters/links.py lists
    # them): people never reach this service itself.
    web_base_url: str = Field(default="http://127.0.0.1:8105", validation_alias="WEB_BASE_URL")
    # The national team's address (the web app's, for a worry about a mentorship), given where a message tells its
    # reader to write to someone: emails come from a no-reply address, and no chapter's own address reaches this
    # service. The default is the local runner's: a deployment sets its own.
    concerns_email: str = Field(default=DEVELOPMENT_CONTACT_EMAIL, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                validation_alias="CONCERNS_EMAIL")
    # Sealed events on the restricted topics are opened with people's data keys, asked of profiles (PROFILES_URL) in
    # requests signed with this service's own Ed25519 key (a 32-byte seed, URL-safe base64; profiles trusts its
    # public key, PROFILES_DATA_KEY_READERS). No default. Keys are kept in memory this long.
    profiles_url: str = Field(default="http://127.0.0.1:8101", validation_alias="PROFILES_URL")
    service_key: SecretStr | None = required_secret("NOTIFICATIONS_SERVICE_KEY", "the key signing requests for data keys")
    data_key_cache_seconds: float = Field(default=60.0, ge=0, validation_alias="DATA_KEY_CACHE_SECONDS")
    # DKIM: with a private key (PEM, or a file holding it) every message is signed for the selector and domain
    # (the domain of MAIL_FROM unless given); without one, messages go unsigned, as a development relay accepts.
    dkim_private_key: str | None = Field(default=None, validation_alias="DKIM_PRIVATE_KEY")
    dkim_private_key_file: str | None = Field(default=None, validation_alias="DKIM_PRIVATE_KEY_FILE")
    dkim_selector: str = Field(default="mentorship", validation_alias="DKIM_SELECTOR")
    dkim_domain: str | None = Field(default=None, validation_alias="DKIM_DOMAIN")
    dispatch_poll_seconds: float = Field(default=1.0, validation_alias="DISPATCH_POLL_SECONDS")
    dispatch_batch_size: int = Field(default=100, validation_alias="DISPATCH_BATCH_SIZE")
    smtp_concurrency: int = Field(default=20, validation_alias="SMTP_CONCURRENCY")
    sending_lease_seconds: float = Field(default=120.0, validation_alias="SENDING_LEASE_SECONDS")
    smtp_retry_base_seconds: float = Field(default=30.0, validation_alias="SMTP_RETRY_BASE_SECONDS")
    access_link_grace_seconds: float = Field(default=10.0, validation_alias="ACCESS_LINK_GRACE_SECONDS")
    welcome_grace_seconds: float = Field(default=10.0, ge=0, validation_alias="WELCOME_GRACE_SECONDS")
    digest_period_seconds: float = Field(default=24 * 3600.0, validation_alias="DIGEST_PERIOD_SECONDS")
    # How often each instance counts the emails due and not yet sent, for /metrics (a query over the due ones).
    unsent_watch_seconds: float = Field(default=15.0, gt=0, validation_alias="UNSENT_WATCH_SECONDS")

    def dkim_key(self) -> bytes | None:
        if self.dkim_private_key:
            return self.dkim_private_key.encode()
        if self.dkim_private_key_file:
            return Path(self.dkim_private_key_file).read_bytes()
        return None

    def dispatch_policy(self) -> DispatchPolicy:
        return DispatchPolicy(
            batch_size=self.dispatch_batch_size,
            concurrency=self.smtp_concurrency,
            lease_seconds=self.sending_lease_seconds,
            retry_base_seconds=self.smtp_retry_base_seconds,
            access_link_grace_seconds=self.access_link_grace_seconds,
            welcome_grace_seconds=self.welcome_grace_seconds,
            context_wait_seconds=self.dispatch_poll_seconds,
            digest_period=timedelta(seconds=self.digest_period_seconds),
        )
