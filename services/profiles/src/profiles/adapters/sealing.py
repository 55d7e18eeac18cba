"""Identity attributes are sealed (AES-256-GCM) before they reach the database, so a dump alone reveals nothing.

The person's id is bound in as associated data: a sealed value copied onto another person's row does not open.
"""

from __future__ import annotations

import base64
import json
import os
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from plumbing.settings import key_bytes

from ..domain.model import Identity, IdentityAttribute, IdentityRequest

_NONCE_BYTES = 12


def new_key() -> str:
    """A fresh key in the form the `PROFILES_IDENTITY_KEY` setting takes."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


class IdentitySealer:
    def __init__(self, key: str) -> None:
        raw = key_bytes(key)
        if len(raw) != 32:
            raise ValueError("the identity key must be 32 bytes, urlsafe-base64 encoded "
                             "(see profiles.adapters.sealing.new_key)")
        self._aead = AESGCM(raw)

    def seal(self, person_id: UUID, identity: Identity) -> bytes | None:
        if not identity.attributes:
            return None
        plain = json.dumps({
            "attributes": {name: vars(a) for name, a in identity.attributes.items()},
            "requests": [vars(r) for r in identity.requests],
        }).encode()
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain, person_id.bytes)

    def open(self, person_id: UUID, sealed: bytes | None) -> Identity:
        if sealed is None:
            return Identity()
        plain = json.loads(self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], person_id.bytes))
        return Identity(
            {name: IdentityAttribute(**a) for name, a in plain["attributes"].items()},
            tuple(IdentityRequest(**r) for r in plain["requests"]),
        )


if __name__ == "__main__":
    print(new_key())
