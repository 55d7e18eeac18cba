"""Identity values as matching keeps them: keyed hashes (HMAC-SHA256), which it compares and never reads.

Matching only ever asks whether two people's values of an attribute are equal, and a keyed hash answers that:
its database, a dump or a backup of it hold no value, and without the key no value can be found by trying the
few each attribute has (as a plain hash would allow). They still show which people's values are equal.

People describe themselves in their own words, so a value is hashed as it is compared (`comparable`): its case,
accents, spacing and punctuation aside ("Yes, first-gen" is "yes first gen"). Hashes written before that rule
compare as typed until their owners' matching profiles are sent again.

The key is the `MATCHING_IDENTITY_KEY` setting, 32 random bytes in URL-safe base64 (as
`plumbing.settings.new_secret_key` makes them); there is no default. A new key makes every stored hash
meaningless: the profiles would have to be sent again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping

from plumbing.settings import key_bytes

KEY_SETTING = "MATCHING_IDENTITY_KEY"
KEY_BYTES = 32
_NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")


def comparable(value: str) -> str:
    """The words of a value, lower-case and without accents, one space apart; a value of no words (an emoji, say)
    as typed, folded, so that two such values are not taken for equal."""
    folded = unicodedata.normalize("NFKD", value).casefold()
    bare = "".join(character for character in folded if not unicodedata.combining(character))
    return " ".join(_NOT_LETTERS_OR_DIGITS.split(bare)).strip() or folded.strip()


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
        return {attribute: hmac.new(self._key, json.dumps([attribute, comparable(value)]).encode(),
                                    hashlib.sha256).hexdigest()
                for attribute, value in identity.items()}
