"""The web app as a client of an organization's OpenID Connect provider (authlib): the provider's discovery
document and keys (kept an hour), the authorization URL with a PKCE challenge (S256) and a nonce, and the code
exchanged for an ID token whose signature, issuer, audience, nonce and lifetime are checked here."""

from __future__ import annotations

import time
import warnings
from typing import Any

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client.errors import OAuthError

# authlib would rather have the httpx2 package and says so on import, before logging is set up, as plain text at the
# top of every log; httpx (pinned in the lock) is the client this app uses.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..domain.sign_in import ProviderSignInFailed

KEPT_SECONDS = 3600.0
SCOPE = "openid email"
ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]


class OidcProvider:
    def __init__(self, discovery_url: str, client_id: str, client_secret: str, redirect_uri: str,
                 timeout: float) -> None:
        self._discovery_url = discovery_url
        self._client_id, self._client_secret = client_id, client_secret
        self._redirect_uri = redirect_uri
        self._timeout = timeout
        self._metadata: tuple[float, dict[str, Any]] | None = None
        self._keys: tuple[float, KeySet] | None = None

    def _client(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(self._client_id, self._client_secret, scope=SCOPE, redirect_uri=self._redirect_uri,
                                 code_challenge_method="S256", timeout=self._timeout)

    async def _get(self, url: str) -> Any:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as http:
                return (await http.get(url)).raise_for_status().json()
        except (httpx.HTTPError, ValueError) as error:
            raise ProviderSignInFailed("the identity provider cannot be reached") from error

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._metadata[0] > KEPT_SECONDS:
            self._metadata = (time.monotonic(), await self._get(self._discovery_url))
        return self._metadata[1]

    async def _key_set(self, fresh: bool = False) -> KeySet:
        if fresh or self._keys is None or time.monotonic() - self._keys[0] > KEPT_SECONDS:
            found = await self._get((await self.metadata())["jwks_uri"])
            self._keys = (time.monotonic(), KeySet.import_key_set(found))
        return self._keys[1]

    async def authorization_url(self, state: str, nonce: str, code_verifier: str) -> str:
        endpoint = (await self.metadata())["authorization_endpoint"]
        async with self._client() as client:
            url, _ = client.create_authorization_url(endpoint, state=state, nonce=nonce, code_verifier=code_verifier)
        return url

    async def claims(self, code: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        try:
            async with self._client() as client:
                token = await client.fetch_token(metadata["token_endpoint"], grant_type="authorization_code",
                                                 code=code, code_verifier=code_verifier)
        except (OAuthError, httpx.HTTPError, ValueError) as error:
            raise ProviderSignInFailed("the identity provider did not exchange the code") from error
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise ProviderSignInFailed("the identity provider gave no ID token")
        try:
            try:
                decoded = jwt.decode(id_token, await self._key_set(), algorithms=ALGORITHMS)
            except JoseError:  # a key rotated since we read them: read them once more
                decoded = jwt.decode(id_token, await self._key_set(fresh=True), algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=60, iss={"essential": True, "value": metadata["issuer"]},
                aud={"essential": True, "value": self._client_id}, nonce={"essential": True, "value": nonce},
                sub={"essential": True}, exp={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise ProviderSignInFailed("the ID token does not check out") from error
        return dict(decoded.claims)
