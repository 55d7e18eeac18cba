"""Settings of the web app: the common ones, where the four services and the SMTP server are, and sign-in's rules."""

from __future__ import annotations

from typing import ClassVar

from plumbing.auth import signs_for
from plumbing.settings import MailingSettings, required_secret
from pydantic import Field, SecretStr, model_validator


class WebSettings(MailingSettings):
    """It sends its own sign-in emails (MailingSettings): a sign-in link never travels on Kafka."""

    service_name: str = "web"
    ADDRESSES: ClassVar[tuple[str, ...]] = (*MailingSettings.ADDRESSES, "PROFILES_URL", "MATCHING_URL", "EVENTS_URL",
                                            "NOTIFICATIONS_URL", "PUBLIC_BASE_URL")
    # The services it calls (their HTTP APIs); the defaults, for development mode, are where `python -m devinfra up`
    # serves them.
    profiles_url: str = Field(default="http://127.0.0.1:8101", validation_alias="PROFILES_URL")
    matching_url: str = Field(default="http://127.0.0.1:8102", validation_alias="MATCHING_URL")
    events_url: str = Field(default="http://127.0.0.1:8103", validation_alias="EVENTS_URL")
    notifications_url: str = Field(default="http://127.0.0.1:8104", validation_alias="NOTIFICATIONS_URL")
    service_timeout_seconds: float = Field(default=10.0, validation_alias="SERVICE_TIMEOUT_SECONDS")
    # Where people reach this app: the base of the links it mails (sign-in).
    public_base_url: str = Field(default="http://127.0.0.1:8105", validation_alias="PUBLIC_BASE_URL")
    # The Ed25519 private key (PEM) that signs the services' tokens: the web app alone holds it.
    jwt_private_key: SecretStr | None = required_secret("JWT_PRIVATE_KEY", "Ed25519 private key (PEM) signing tokens")
    # Signs the CSRF tokens of the forms shown before sign-in: at least 32 random bytes in URL-safe base64, refused
    # at start otherwise, as every secret named ..._KEY is (plumbing.settings).
    form_key: SecretStr | None = required_secret("WEB_FORM_KEY", "the key that signs the CSRF tokens of forms")
    sign_in_link_minutes: int = Field(default=15, ge=1, le=60, validation_alias="SIGN_IN_LINK_MINUTES")
    # Where the national team hears a worry about a mentorship of a national program by someone with no chapter to
    # write to. Unset, such a person's only route is ending the mentorship for conduct, which a coordinator looks into.
    concerns_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                       validation_alias="CONCERNS_EMAIL")
    # Links asked for within a quarter of an hour and not followed: per address, and per client (its IP address, which
    # everyone on a hospital's or a career fair's network shares: their sign-ins do not add up).
    sign_in_limit_per_address: int = Field(default=5, ge=1, validation_alias="SIGN_IN_LIMIT_PER_ADDRESS")
    sign_in_limit_per_client: int = Field(default=30, ge=1, validation_alias="SIGN_IN_LIMIT_PER_CLIENT")
    # A session left unused this long ends; one in use is renewed (at most hourly), and so is its cookie.
    session_idle_hours: int = Field(default=24 * 14, ge=1, validation_alias="SESSION_IDLE_HOURS")
    # Service tokens minted per call live this long (minutes at most).
    service_token_seconds: int = Field(default=120, ge=10, le=900, validation_alias="SERVICE_TOKEN_SECONDS")

    # Sign-in through an organization's own identity provider (OpenID Connect, authorization code with PKCE): on
    # when OIDC_DISCOVERY_URL is set, and then the client id and its secret are required too.
    oidc_discovery_url: str | None = Field(default=None, validation_alias="OIDC_DISCOVERY_URL")
    oidc_client_id: str | None = Field(default=None, validation_alias="OIDC_CLIENT_ID")
    oidc_client_secret: SecretStr | None = Field(default=None, validation_alias="OIDC_CLIENT_SECRET")
    # How the sign-in page names the provider ("Sign in with ...").
    oidc_name: str = Field(default="your organization", validation_alias="OIDC_NAME")

    @model_validator(mode="after")
    def _never_serve_a_page_again(self) -> WebSettings:
        # A page often calls the services before it writes its own database (sign-up: profiles, then the session):
        # serving it again after a lost connection would repeat those calls, so it is answered 503 instead.
        self.database_retry_seconds = 0.0
        return self

    @model_validator(mode="after")
    def _oidc_complete(self) -> WebSettings:
        if self.oidc_discovery_url and not (self.oidc_client_id and self.oidc_client_secret
                                            and self.oidc_client_secret.get_secret_value()):
            raise ValueError("OIDC_DISCOVERY_URL is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (a secret) are required")
        return self

    @model_validator(mode="after")
    def _a_private_key_the_services_verify(self) -> WebSettings:
        if self.jwt_private_key is None or self.jwt_public_key is None:
            return self  # missing: refused by name with the other secrets
        try:
            verified = signs_for(self.jwt_private_key.get_secret_value(), self.jwt_public_key)
        except ValueError as error:
            raise ValueError(f"JWT_PRIVATE_KEY: {error}") from None
        if not verified:
            # Every page would fail on the services' 401: half a rotation, or another deployment's key.
            raise ValueError("JWT_PRIVATE_KEY is not the private key of JWT_PUBLIC_KEY (nor, while the pair is "
                             "rotated, of either key it holds): the services would refuse every token it signs")
        return self

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_discovery_url)

    def required_variables(self) -> list[str]:
        return [*super().required_variables(), *(["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] if self.oidc_enabled
                                                  else [])]
