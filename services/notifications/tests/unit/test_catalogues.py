"""The gettext catalogues: the template holds every message the code says (extracted as `babel.cfg` says), and each
language translates every one of them, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from notifications.adapters.i18n import LANGUAGES, LOCALE_DIR

SERVICE = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "n_": (1, 2)}


def _ids(catalog) -> set:
    return {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog if message.id}


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


def test_the_template_holds_every_message_the_code_says():
    with (SERVICE / "babel.cfg").open() as config:
        from babel.messages.frontend import parse_mapping_cfg
        method_map, options_map = parse_mapping_cfg(config)
    said = {message if isinstance(message, str) else tuple(message)
            for _, _, message, _, _ in (found[:5] for found in extract_from_dir(
                str(SERVICE), method_map, options_map, keywords=KEYWORDS))}
    with (LOCALE_DIR / "messages.pot").open("rb") as template:
        assert _ids(read_po(template)) == said, "run pybabel extract as adapters/i18n.py says, then update"


def test_every_language_translates_every_message_with_the_same_placeholders():
    with (LOCALE_DIR / "messages.pot").open("rb") as template:
        wanted = _ids(read_po(template))
    for language in set(LANGUAGES) - {"en"}:
        with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
            catalog = read_po(source, locale=language)
        assert _ids(catalog) == wanted, language
        for message in catalog:
            if not message.id:
                continue
            assert not message.fuzzy, message.id
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = [message.string] if isinstance(message.string, str) else list(message.string)
            assert all(strings), f"{language}: {message.id!r} is not translated"
            for text in strings:
                assert _placeholders(text) <= _placeholders(ids[-1]) | _placeholders(ids[0]), (language, message.id)


def test_one_moment_is_written_in_each_readers_own_zone_however_often_it_is_asked():
    from datetime import UTC, datetime

    from notifications.adapters.i18n import Reader, zone_of

    starts, ends = datetime(2027, 3, 4, 23, 0, tzinfo=UTC), datetime(2027, 3, 5, 0, 0, tzinfo=UTC)
    chicago, tokyo = Reader("en", zone_of("America/Chicago")), Reader("en", zone_of("Asia/Tokyo"))
    for _ in range(2):  # the second time from what was written the first
        assert chicago.span(starts, ends) == "Thursday, March 4, 2027, 5:00\u202fPM – 6:00\u202fPM (Central Standard Time)"
        assert tokyo.span(starts.astimezone(zone_of("America/Chicago")), ends).startswith("Friday, March 5, 2027, 8:00")


def test_no_spanish_message_says_the_reader_is_of_a_gender_they_never_gave():
    # "estás más avanzado en el camino", to a mentor who may be a woman.
    masculine = re.compile(r"\b(?:est[aá]s|estés|eres|quedaste)(?: más)? (?:inscrito|avanzado|emparejado|registrado|"
                           r"seguro|listo)\b(?!/)", re.IGNORECASE)
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        said = [m.string for m in read_po(source) if m.id]
    translations = [s for string in said for s in ((string,) if isinstance(string, str) else string)]
    assert [t for t in translations if masculine.search(t)] == []
