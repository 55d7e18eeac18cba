"""Sign-in through an identity provider is configured by settings: off unless a discovery URL is given, and then
the client id and its secret are required (the app refuses to start without them)."""

import pytest
from plumbing.settings import new_secret_key
from pydantic import ValidationError
from web.config import WebSettings


def settings(**given) -> WebSettings:
    return WebSettings.offline(**given)


def test_without_a_discovery_url_provider_sign_in_is_off_and_needs_no_secret():
    found = settings()
    assert not found.oidc_enabled and "OIDC_CLIENT_SECRET" not in found.required_variables()


def test_with_a_discovery_url_the_client_id_and_secret_are_required():
    url = "https://idp.example/.well-known/openid-configuration"
    with pytest.raises(ValidationError, match="OIDC_CLIENT_SECRET"):
        settings(oidc_discovery_url=url, oidc_client_id="web")
    with pytest.raises(ValidationError, match="OIDC_CLIENT_ID"):
        settings(oidc_discovery_url=url, oidc_client_secret=new_secret_key())
    found = settings(oidc_discovery_url=url, oidc_client_id="web", oidc_client_secret=new_secret_key())
    assert found.oidc_enabled and {"OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"} <= set(found.required_variables())
