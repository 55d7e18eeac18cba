"""Pages rendered with Jinja2, in English or Spanish (Babel: gettext catalogues, dates in the person's time zone).

The Spanish catalogue is `translations/es/LC_MESSAGES/messages.po`, read as it is (no compiled file to keep in step).
One Jinja environment per language, each with its translations installed, so rendering shares nothing mutable.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.core import negotiate_locale
from babel.dates import (
    format_date,
    format_datetime,
    format_skeleton,
    format_time,
    get_timezone,
    get_timezone_location,
    get_timezone_name,
)
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import BytecodeCache, Environment, FileSystemLoader, select_autoescape
from jinja2.bccache import Bucket

from ..domain.words import letters_and_digits

LANGUAGES = ("en", "es")
# The conventions dates and times are written in, as the emails write them (notifications' `i18n.LANGUAGES`).
REGIONAL = {"en": "en_US", "es": "es_US"}
DEFAULT_LANGUAGE = "en"


def load_translations(directory: Path, language: str, domain: str = "messages") -> NullTranslations:
    """A catalogue of its own (the console merges its messages into one), from the `.po` read once per process."""
    po = directory / language / "LC_MESSAGES" / f"{domain}.po"
    if not po.is_file():
        return NullTranslations()
    return Translations(io.BytesIO(_compiled(po, language, domain, po.stat().st_mtime_ns)), domain=domain)


@lru_cache(maxsize=16)
def _compiled(po: Path, language: str, domain: str, modified: int) -> bytes:
    """The `.po` compiled (`modified` keys an edited file anew): reading it took a tenth of a second per app."""
    with po.open("rb") as source:
        catalog = read_po(source, locale=language, domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


class _CompiledTemplates(BytecodeCache):
    """The templates' compiled code, shared by every environment of the process (one per language, and one set per
    app: the tests build hundreds). Jinja checks each entry against its template's source."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


# Every environment here is made with the same options (`Renderer`), which compiled code depends on.
COMPILED_TEMPLATES = _CompiledTemplates()


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an `Accept-Language` header (English when none fits)."""
    preferred = []
    for part in (accept_language or "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        if not tag:
            continue
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        preferred.append((weight, tag.strip()))
    ranked = [tag for weight, tag in sorted(preferred, key=lambda p: -p[0]) if weight > 0]
    return negotiate_locale([t.replace("_", "-") for t in ranked], list(LANGUAGES), sep="-") or DEFAULT_LANGUAGE


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# A message whose words depend on what it qualifies, keyed as gettext keys `pgettext`'s ("context\x04message", as a
# `.po` entry with its `msgctxt`): Spanish says an event "Cancelado", a registration "Cancelada".
CONTEXT_SEPARATOR = "\x04"


def in_context(context: str, message: str) -> str:
    return f"{context}{CONTEXT_SEPARATOR}{message}"


def _collation(label: str) -> str:
    """Close to a dictionary's order in English and Spanish without ICU: accents and case set aside."""
    return "".join(c for c in unicodedata.normalize("NFKD", label) if not unicodedata.combining(c)).casefold()


def _without_context(said: str) -> str:
    return said.rpartition(CONTEXT_SEPARATOR)[2]


class InContext:
    """A catalogue that also takes messages `in_context`: one it does not translate (every message, in English) is
    said without its context."""

    def __init__(self, catalogue: NullTranslations) -> None:
        self.catalogue = catalogue

    def gettext(self, message: str) -> str:
        return _without_context(self.catalogue.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _without_context(self.catalogue.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        """A message in context, as templates say it (`pgettext`): its `.po` entry has a `msgctxt`."""
        return self.gettext(in_context(context, message))


def install(environment: Environment, catalogue: NullTranslations) -> None:
    """The catalogue as the templates' gettext (`_`, `ngettext`), messages in context included."""
    environment.install_gettext_translations(InContext(catalogue), newstyle=True)  # type: ignore[attr-defined]


class Renderer:
    def __init__(self, templates: Path, translations: Path,
                 suggested_answers: Mapping[str, Iterable[str]] | None = None) -> None:
        """`suggested_answers`: by identity attribute, the answers the pages suggest (in English, translated like
        any message): one given in any language is shown in the reader's (`answer` filter)."""
        self._environments: dict[str, Environment] = {}
        self._translations: dict[str, NullTranslations] = {}
        for language in LANGUAGES:
            environment = Environment(loader=FileSystemLoader(templates), autoescape=select_autoescape(),
                                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                                      bytecode_cache=COMPILED_TEMPLATES)
            catalogue = load_translations(translations, language)
            install(environment, catalogue)
            environment.filters["when"] = self._when_filter(language)
            environment.filters["day"] = self._day_filter(language)
            environment.filters["span"] = self._span_filter(language, environment.filters["when"])
            environment.filters["calendar_day"] = self._calendar_day_filter(language)
            environment.filters["deadline"] = _as_deadline(environment.filters["when"])
            environment.filters["deadline_day"] = _as_deadline(environment.filters["day"])
            environment.filters["readers_time"] = partial(readers_time, language=language)
            environment.filters["language_in_sentence"] = partial(language_in_sentence, language)
            environment.filters["zone_name"] = partial(zone_name, language=language)
            environment.filters["answer"] = partial(self._answer, language)
            environment.filters["alphabetical"] = partial(self._alphabetical, language)
            self._environments[language] = environment
            self._translations[language] = catalogue
        self._suggested = {(attribute, letters_and_digits(self.gettext(language, answer))): answer
                           for attribute, answers in (suggested_answers or {}).items() for answer in answers
                           for language in LANGUAGES}

    def _answer(self, language: str, value: str, attribute: str) -> str:
        """A partner's answer about who they are, in the reader's language when it is one the pages suggest (a
        Spanish speaker's "Sí" reads "Yes" in English); else as they wrote it."""
        suggested = self._suggested.get((attribute, letters_and_digits(value)))
        return self.gettext(language, suggested) if suggested else value

    def _alphabetical(self, language: str, choices: Mapping[str, str], last: Iterable[str] = ()) -> list[tuple[str, str]]:
        """Choices (code: message) as (code, label) in the alphabetical order of the reader's language, whose
        labels sort otherwise as the English ones do; `last` keep their place at the end ("Not decided yet")."""
        kept = list(last)
        labelled = [(code, self.gettext(language, message)) for code, message in choices.items()]
        return sorted((choice for choice in labelled if choice[0] not in kept), key=lambda choice: _collation(choice[1])) \
            + [choice for choice in labelled if choice[0] in kept]

    def gettext(self, language: str, message: str) -> str:
        return _without_context(self._translations.get(language, self._translations[DEFAULT_LANGUAGE]).gettext(message))

    def ngettext(self, language: str, singular: str, plural: str, n: int) -> str:
        return _without_context(self._translations.get(language, self._translations[DEFAULT_LANGUAGE]).ngettext(
            singular, plural, n))

    @staticmethod
    def _when_filter(language: str):
        # Babel takes about a millisecond a date: an event list formats the same few moments for everyone.
        @lru_cache(maxsize=4096)
        def formatted(value: str, timezone: str | None) -> str:
            moment, zone = datetime.fromisoformat(value), _zone(timezone)
            return f"{_day_and_time(moment, zone, language)} {_zone_label(moment, zone, language)}"

        def when(value: str | datetime | None, timezone: str | None = None) -> str:
            if not value:
                return ""
            if isinstance(value, datetime):
                value = value.isoformat()
            return formatted(value, timezone)
        return when

    @staticmethod
    def _span_filter(language: str, when):
        """From a start to an end: the end's time alone when both are on the same day there. Across a change of the
        clocks (the two on different offsets there), each is followed by its own zone ("1:45 AM EST – 3:15 AM EDT"):
        one zone named after both read as 90 minutes for 30, the start on the wrong clock."""
        def span(start: str, end: str, timezone: str | None = None) -> str:
            zone = _zone(timezone)
            starts, ends = datetime.fromisoformat(start).astimezone(zone), datetime.fromisoformat(end).astimezone(zone)
            if starts.date() != ends.date():
                return f"{when(start, timezone)} – {when(end, timezone)}"
            if starts.utcoffset() != ends.utcoffset():
                return (f"{when(start, timezone)} – "
                        f"{format_time(ends, 'short', tzinfo=zone, locale=REGIONAL[language])} "
                        f"{_zone_label(ends, zone, language)}")
            return (f"{_day_and_time(starts, zone, language)}–"
                    f"{format_time(ends, 'short', tzinfo=zone, locale=REGIONAL[language])} "
                    f"{_zone_label(ends, zone, language)}")
        return span

    @staticmethod
    def _day_filter(language: str):
        def day(value: str | date | datetime | None, timezone: str | None = None) -> str:
            if not value:
                return ""
            if isinstance(value, str):
                value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
            if isinstance(value, datetime):
                value = value.astimezone(_zone(timezone)).date()
            return format_date(value, "long", locale=language)
        return day

    @classmethod
    def _calendar_day_filter(cls, language: str):
        """A calendar day that a service keeps as its midnight in UTC (the day of a meeting): named in UTC, it is
        that day wherever the reader is, not the evening before."""
        day = cls._day_filter(language)
        return lambda value: day(value, "UTC")

    def render(self, language: str, template: str, context: dict[str, Any]) -> str:
        environment = self._environments.get(language, self._environments[DEFAULT_LANGUAGE])
        return environment.get_template(template).render(context)


def _as_deadline(say):
    """`say` (the `when` or `day` filter) for a deadline: one at midnight where it is read is said as the last minute
    of the day before (11:59 PM, as GOV.UK's style advises), since "12:00 AM" of Friday reads as Friday, a day late."""
    def deadline(value: str | datetime | None, timezone: str | None = None) -> str:
        if not value:
            return ""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        local = moment.astimezone(_zone(timezone))
        if local.time() == time(0):
            moment = local - timedelta(minutes=1)
        return say(moment, timezone)
    return deadline


def _said_at(moment: datetime, zone: ZoneInfo, is_deadline: bool) -> datetime:
    """The moment on the clock of `zone`; a deadline at its midnight as the minute before (`_as_deadline`)."""
    local = moment.astimezone(zone)
    return local - timedelta(minutes=1) if is_deadline and local.time() == time(0) else local


def readers_time(value: str | datetime | None, there: str | None, reader: str | None, is_deadline: bool = False,
                 *, language: str) -> str:
    """A moment said in the zone `there` (an in-person event's), as the reader's own clock (`reader`) says it, as the
    emails add it: its time alone when it falls on the same day there, else with its day; "" when the two clocks agree
    then (nothing to add)."""
    if not value or not reader:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    theirs, yours = _zone(there), _zone(reader)
    if moment.astimezone(theirs).utcoffset() == moment.astimezone(yours).utcoffset():
        return ""
    said_there, said_here = _said_at(moment, theirs, is_deadline), _said_at(moment, yours, is_deadline)
    if said_there.date() == said_here.date():
        return format_time(said_here, "short", tzinfo=yours, locale=REGIONAL[language])
    return _day_and_time(said_here, yours, language)


def _day_and_time(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """Sun, Dec 6, 2026, 2:00 PM / dom, 6 de dic de 2026, 2:00 p.m.: as the emails write a time (US conventions)."""
    regional = REGIONAL[language]
    return (f"{format_skeleton('yMMMEd', moment, tzinfo=zone, locale=regional)}, "
            f"{format_time(moment, 'short', tzinfo=zone, locale=regional)}")


def _zone_label(moment: datetime, zone: ZoneInfo, language: str) -> str:
    """The zone's short name where the language has one (CST, CET), else its name in words (hora estándar central),
    never an offset (-0600) that a reader must work out."""
    short = format_datetime(moment, "zzz", tzinfo=zone, locale=language)
    return format_datetime(moment, "zzzz", tzinfo=zone, locale=language) if any(c.isdigit() for c in short) else short


def language_in_sentence(language: str, name: str) -> str:
    """A language's name (as its label gives it, with a capital) said mid-sentence: Spanish writes "inglés"."""
    return name[:1].lower() + name[1:] if language == "es" else name


@lru_cache(maxsize=1024)
def zone_name(name: str, language: str, alone: bool = False) -> str:
    """A time zone as people name it, in their language: "Central Time, Chicago", "hora central, Chicago"; never its
    database name ("America/Argentina/Buenos_Aires"). One babel does not know keeps its database name. `alone` (an
    option of a list, a line of its own) starts it with a capital: "Hora central, Chicago"."""
    named = _zone_name(name, language)
    return named[:1].upper() + named[1:] if alone else named


def _zone_name(name: str, language: str) -> str:
    if name == "UTC":
        return "UTC"
    try:
        zone = get_timezone(name)
    except LookupError:
        return name.replace("_", " ")
    generic = get_timezone_name(zone, "long", locale=language, zone_variant="generic")
    city = get_timezone_location(zone, locale=language, return_city=True)
    if generic == get_timezone_location(zone, locale=language) and city in generic:
        # CLDR has no generic name for some zones that never change their clocks ("United States (Honolulu)
        # Time"): their standard one is the name in use ("Hawaii Time").
        generic = get_timezone_name(zone, "long", locale=language, zone_variant="standard")
    return generic if city in generic else f"{generic}, {city}"
