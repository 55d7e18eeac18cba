"""Identity values as matching keeps them: keyed hashes (HMAC-SHA256), which it compares and never reads.

Matching only ever asks whether two people's values of an attribute are equal, and a keyed hash answers that:
its database, a dump or a backup of it hold no value, and without the key no value can be found by trying the
few each attribute has (as a plain hash would allow). They still show which people's values are equal.

The key is the `MATCHING_IDENTITY_KEY` setting, 32 random bytes in URL-safe base64 (as
`plumbing.settings.new_secret_key` makes them); there is no default. A new key makes every stored hash
meaningless: the profiles would have to be sent again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping

from plumbing.settings import key_bytes

KEY_SETTING = "MATCHING_IDENTITY_KEY"
KEY_BYTES = 32


class IdentityHasher:
    def __init__(self, key: str) -> None:
        try:
            raw = key_bytes(key)
        except ValueError:
            raw = b""
        if len(raw) < KEY_BYTES:
            raise ValueError(f"{KEY_SETTING} must be at least {KEY_BYTES} random bytes in URL-safe base64")
        self._key = raw

    def digests(self, identity: Mapping[str, str]) -> dict[str, str]:
        """Each attribute's value as its keyed hash (the attribute is hashed in: equal values of two attributes
        do not hash alike)."""
        return {attribute: hmac.new(self._key, json.dumps([attribute, value]).encode(), hashlib.sha256).hexdigest()
                for attribute, value in identity.items()}
