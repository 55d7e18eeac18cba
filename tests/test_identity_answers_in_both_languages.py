"""Every answer the web app suggests for an identity attribute compares in matching as the same answer in each of
the web app's languages: a Spanish speaker who chooses "Sí" shares an English speaker's "Yes". Two services agree
through this test, and neither imports the other."""

from pathlib import Path

from babel.messages.pofile import read_po
from matching.adapters.identity_hashing import comparable
from web.adapters.rendering import LANGUAGES
from web.entrypoints.labels import IDENTITY_SUGGESTIONS

TRANSLATIONS = Path(__file__).resolve().parents[1] / "services/web/src/web/translations"


def test_each_suggested_answer_compares_alike_in_every_language_of_the_web_app():
    differing = []
    for language in set(LANGUAGES) - {"en"}:
        with (TRANSLATIONS / language / "LC_MESSAGES/messages.po").open("rb") as source:
            catalogue = {m.id: m.string for m in read_po(source, locale=language) if m.id}
        differing += [(attribute, answer, catalogue[answer])
                      for attribute, answers in IDENTITY_SUGGESTIONS.items() for answer in answers
                      if comparable(catalogue[answer]) != comparable(answer)]
    assert differing == []
