"""Identity values as matching keeps them: keyed hashes (HMAC-SHA256), which it compares and never reads.

Matching only ever asks whether two people's values of an attribute are equal, and a keyed hash answers that:
its database, a dump or a backup of it hold no value, and without the key no value can be found by trying the
few each attribute has (as a plain hash would allow). They still show which people's values are equal.

People describe themselves in their own words, so a value is hashed as it is compared (`comparable`): its case,
accents, spacing and punctuation aside ("Yes, first-gen" is "yes first gen"), an answer the web app suggests is
the same answer in each of its languages (a Spanish speaker's "Sí" is an English speaker's "Yes"), and answers it
suggests side by side for one identity are one answer ("Latina", "Latino" and "Latinx", and "Latine" too, are
"Hispanic or Latino").

Matching keeps nothing it could hash again: only hashes (the plaintext migration 0005 set aside is deleted as it is
hashed). So a rule added here applies to an answer stored before only once its owner's matching profile arrives
again: when they next save it, or when profiles restates every one (`python -m profiles restate matching-profiles`,
to run once after deploying a new rule). Until then it compares as before: a "Latina" stored before shares nothing
with a "Latino", nor with a "Latina" saved since.

The key is the `MATCHING_IDENTITY_KEY` setting, 32 random bytes in URL-safe base64 (as
`plumbing.settings.new_secret_key` makes them); there is no default. A new key makes every stored hash
meaningless until every profile is restated so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Mapping

from plumbing.settings import check_random_key, key_bytes

KEY_SETTING = "MATCHING_IDENTITY_KEY"
_NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")

# The answers the web app suggests on its Spanish pages (its `labels.IDENTITY_SUGGESTIONS`, in its catalogue), and
# the feminine of the gendered ones, as their English (both comparable). tests/test_identity_answers_in_both_languages.py
# keeps it in step with the web app. Then the answers it suggests beside another of the same meaning, as that one.
_ENGLISH_OF = {
    "si": "yes",
    "negro o afroamericano": "black or african american", "negra o afroamericana": "black or african american",
    "hispano o latino": "hispanic or latino", "hispana o latina": "hispanic or latino",
    "indigena americano o nativo de alaska": "american indian or alaska native",
    "indigena americana o nativa de alaska": "american indian or alaska native",
    "asiatico": "asian", "asiatica": "asian",
    "nativo de hawai o de las islas del pacifico": "native hawaiian or pacific islander",
    "nativa de hawai o de las islas del pacifico": "native hawaiian or pacific islander",
    "de oriente medio o del norte de africa": "middle eastern or north african",
    "multirracial": "multiracial",
    "blanco": "white", "blanca": "white",
    "mujer": "woman", "hombre": "man", "no binario": "non binary", "no binaria": "non binary",
    "mujer transgenero": "transgender woman", "hombre transgenero": "transgender man", "genero queer": "genderqueer",
    "dos espiritus": "two spirit",
    "lesbiana": "lesbian", "heterosexual": "straight",
    "sordo o con perdida auditiva": "deaf or hard of hearing", "sorda o con perdida auditiva": "deaf or hard of hearing",
    "ciego o con baja vision": "blind or low vision", "ciega o con baja vision": "blind or low vision",
    "enfermedad cronica": "chronic illness", "neurodivergente": "neurodivergent",
    "discapacidad de movilidad": "mobility disability", "condicion de salud mental": "mental health condition",
    "cristiano": "christian", "cristiana": "christian", "catolico": "catholic", "catolica": "catholic",
    "musulman": "muslim", "musulmana": "muslim", "judio": "jewish", "judia": "jewish", "hindu": "hindu",
    "budista": "buddhist", "sij": "sikh", "sin religion": "not religious",
    "inmigrante": "immigrant", "hijo o hija de inmigrantes": "child of immigrants",
    "hijo de inmigrantes": "child of immigrants", "hija de inmigrantes": "child of immigrants",
    "refugiado": "refugee", "refugiada": "refugee",
    "beneficiario de daca": "daca recipient", "beneficiaria de daca": "daca recipient",
    "estudiante internacional": "international student",
    "de familia de bajos ingresos": "low income background",
    "de familia de clase trabajadora": "working class background",
    "creci en una zona rural": "grew up in a rural area",
    # As the pages suggest them in Spanish, for everyone: "Hispano/a o latino/a".
    "negro a o afroamericano a": "black or african american", "hispano a o latino a": "hispanic or latino",
    "indigena americano a o nativo a de alaska": "american indian or alaska native", "asiatico a": "asian",
    "nativo a de hawai o de las islas del pacifico": "native hawaiian or pacific islander", "blanco a": "white",
    "no binario a": "non binary", "sordo a o con perdida auditiva": "deaf or hard of hearing",
    "ciego a o con baja vision": "blind or low vision", "cristiano a": "christian", "catolico a": "catholic",
    "judio a": "jewish", "refugiado a": "refugee", "beneficiario a de daca": "daca recipient",
    # Suggested beside "Hispanic or Latino", alike in every language; and "Latine", "Latino/a", as people write them.
    "latina": "hispanic or latino", "latino": "hispanic or latino", "latinx": "hispanic or latino",
    "latine": "hispanic or latino", "latino a": "hispanic or latino", "latina o": "hispanic or latino",
}


def comparable(value: str) -> str:
    """The words of a value, lower-case and without accents, one space apart, in English if they are a suggested
    answer in Spanish, as the one answer if they are one of several suggested alike; a value of no words (an emoji,
    say) as typed, folded, so that two such values are not taken for equal."""
    folded = unicodedata.normalize("NFKD", value).casefold()
    bare = "".join(character for character in folded if not unicodedata.combining(character))
    words = " ".join(_NOT_LETTERS_OR_DIGITS.split(bare)).strip()
    return _ENGLISH_OF.get(words, words) or folded.strip()


class IdentityHasher:
    def __init__(self, key: str) -> None:
        check_random_key(KEY_SETTING, key)
        self._key = key_bytes(key)

    def digests(self, identity: Mapping[str, str]) -> dict[str, str]:
        """Each attribute's value as its keyed hash (the attribute is hashed in: equal values of two attributes
        do not hash alike)."""
        return {attribute: hmac.new(self._key, json.dumps([attribute, comparable(value)]).encode(),
                                    hashlib.sha256).hexdigest()
                for attribute, value in identity.items()}
