"""Signed unsubscribe tokens: which message's category its reader opts out of, unforgeable without the service's
secret.

A token names the notification it came with (`n:<id>`), nothing about its reader: the service looks up whose it is
and of which category. Once the reader is erased, their notifications are gone and the link stops working. Tokens do
not expire (an email is read months later) and are not bearer tokens: a key derived for this purpose alone signs them,
so one can never pass for a login. Links issued before named the person and the category (`<person>:<category>`);
they still work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from plumbing.errors import Invalid

from ..domain.model import Category


class InvalidToken(Invalid, code="invalid_token"):
    """A link this service did not issue, or one cut short: it cannot be read, so it answers 400 (as it always has),
    not the 422 of a well-read request that breaks a rule."""

    status = 400

    def __init__(self) -> None:
        super().__init__("the unsubscribe link is not valid", field="token")


@dataclass(frozen=True)
class UnsubscribeLink:
    """What a verified token asks: to stop the category of this notification (or, from an older link, this person's
    category)."""

    notification_id: UUID | None = None
    person_id: UUID | None = None
    category: Category | None = None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derived(secret: str) -> bytes:
    return hashlib.sha256(b"notifications-unsubscribe\0" + secret.encode()).digest()


class UnsubscribeTokens:
    """Issued with `secret`; read with it or any of `previous`: the keys before a rotation, so the links of emails
    sent before it keep working for as long as the operator keeps them."""

    def __init__(self, secret: str, previous: Sequence[str] = ()) -> None:
        self._key = _derived(secret)
        self._keys = [self._key, *map(_derived, previous)]

    @staticmethod
    def _sign(key: bytes, payload: bytes) -> bytes:
        return hmac.new(key, payload, hashlib.sha256).digest()[:20]

    def issue(self, notification_id: UUID) -> str:
        payload = f"n:{notification_id}".encode()
        return f"{_b64(payload)}.{_b64(self._sign(self._key, payload))}"

    def verify(self, token: str) -> UnsubscribeLink:
        try:
            payload_part, signature_part = token.split(".")
            payload, signature = _unb64(payload_part), _unb64(signature_part)
            if not any(hmac.compare_digest(self._sign(key, payload), signature) for key in self._keys):
                raise InvalidToken()
            first, second = payload.decode().split(":")
            if first == "n":
                return UnsubscribeLink(notification_id=UUID(second))
            return UnsubscribeLink(person_id=UUID(first), category=Category(second))
        except (ValueError, UnicodeDecodeError) as error:
            raise InvalidToken() from error
