"""Every message of the pages, emails and labels has its Spanish translation, with the same placeholders; the
language negotiated from a browser's Accept-Language; dates in the person's time zone."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import web
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from web.adapters.rendering import Renderer, negotiate

from ..catalogues import forms
from ..catalogues import spanish as catalogue

PACKAGE = Path(web.__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"},
           "**/templates/**.txt": {"extensions": "jinja2.ext.i18n"}}


def extracted() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    return forms(extract_from_dir(str(PACKAGE), METHODS, OPTIONS, keywords=keywords))


def test_every_message_has_its_spanish_translation_with_the_same_placeholders():
    spanish = catalogue(PACKAGE / "translations/es/LC_MESSAGES/messages.po")
    messages = extracted()
    assert len(messages) > 300
    missing = sorted(m for m in messages if not spanish.get(m))
    assert missing == [], "run the extraction in services/web/babel.cfg and translate these"
    placeholders = re.compile(r"%\(\w+\)s")
    assert [m for m in messages if sorted(placeholders.findall(m)) != sorted(placeholders.findall(spanish[m]))] == []


@pytest.mark.parametrize("po", ["messages.po", "console.po"])
def test_no_catalogue_translates_one_message_twice(po):
    # The reader keeps one of the two silently: the console said "No vinieron", of a count, beside one person's name.
    text = (PACKAGE / "translations/es/LC_MESSAGES" / po).read_text()
    entries = re.findall(r'^(?:msgctxt ("(?:[^"\\]|\\.)*")\n)?msgid ("(?:[^"\\]|\\.)*"\n(?:"(?:[^"\\]|\\.)*"\n)*)',
                         text, re.MULTILINE)
    assert len(entries) > 300
    assert [entry for entry, times in Counter(entries).items() if times > 1] == []


# Words that, said of the reader, take a gender the reader never gave ("Quedaste inscrito" to a woman).
THE_READER_IN_THE_MASCULINE = re.compile(
    r"\b(?:est[aá]s|estés|eres|quedaste)(?: más)? (?:inscrito|avanzado|emparejado|registrado|seguro|listo)\b(?!/)",
    re.IGNORECASE)


@pytest.mark.parametrize("po", ["messages.po", "console.po"])
def test_no_spanish_message_says_the_reader_is_of_a_gender_they_never_gave(po):
    spanish = catalogue(PACKAGE / "translations/es/LC_MESSAGES" / po)
    assert [t for t in spanish.values() if THE_READER_IN_THE_MASCULINE.search(t)] == []


def test_no_spanish_name_of_a_stage_of_training_is_in_the_masculine_alone():
    # A person reads their own stage on their profile: "Estudiante universitario", "Médico adjunto".
    from web.entrypoints.labels import STAGES
    spanish = catalogue(PACKAGE / "translations/es/LC_MESSAGES/messages.po")
    masculine = re.compile(r"\b(?:universitario|premédico|médico adjunto|farmacéutico|asistente médico)\b(?! o )", re.I)
    assert [spanish[label] for label in STAGES.values() if masculine.search(spanish[label])] == []


def test_the_language_is_the_browsers_best_of_english_and_spanish():
    assert negotiate("es-MX,es;q=0.9,en;q=0.8") == "es"
    assert negotiate("en-US,en;q=0.9,es;q=0.8") == "en"
    assert negotiate("fr-FR,es;q=0.5") == "es"
    assert negotiate("fr-FR") == "en" and negotiate(None) == "en" and negotiate("es;q=0") == "en"


def test_times_are_shown_in_the_persons_time_zone_and_language():
    renderer = Renderer(PACKAGE / "templates", PACKAGE / "translations")
    when = "2026-03-02T01:30:00+00:00"
    english = renderer._environments["en"].filters["when"](when, "America/Chicago")
    spanish = renderer._environments["es"].filters["when"](when, "America/Chicago")
    assert "Sun, Mar 1, 2026, 7:30\u202fPM" in english
    assert "dom, 1 de mar de 2026, 7:30\u202fp.m." in spanish


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("known", [True, False])
def test_the_sign_in_email_says_the_same_in_its_html_as_in_its_text_in_the_readers_language(language, known):
    renderer = Renderer(PACKAGE / "templates", PACKAGE / "translations")
    context = {"url": "https://web.test/sign-in/abc", "known": known, "minutes": 15, "lang": language}
    text = renderer.render(language, "email/sign_in.txt", context)
    html = renderer.render(language, "email/sign_in.html", context)
    greeting = text.split("\n", 1)[0]
    assert greeting in html, "the greeting of the text part opens the HTML too"
    assert f'<html lang="{language}">' in html and 'name="viewport"' in html


def test_the_email_to_finish_signing_up_welcomes_in_spanish_as_the_platform_s_other_emails_do():
    # "¡Bienvenida o bienvenido!" read stiffly beside the other emails' "Te damos la bienvenida".
    renderer = Renderer(PACKAGE / "templates", PACKAGE / "translations")
    text = renderer.render("es", "email/sign_in.txt", {"url": "https://web.test/sign-in/abc", "known": False,
                                                       "minutes": 15, "lang": "es", "code": "123 456"})
    assert text.startswith("¡Te damos la bienvenida!")
