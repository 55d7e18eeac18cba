"""The reader's language and time zone: gettext catalogues (Babel) and CLDR dates, times and zone names.

Catalogues: `locale/messages.pot` is extracted from the code and templates that say something to a person
(`babel.cfg`, whose paths are the service directory's; `uv run pybabel extract -F services/notifications/babel.cfg
-k n_:1,2 -o services/notifications/src/notifications/locale/messages.pot services/notifications`, then
`uv run pybabel update -i …/messages.pot -d …/locale`). English is the source language: its messages are the msgids.
Each other language has `locale/<lang>/LC_MESSAGES/messages.po`, compiled in memory when the service starts (no
`.mo` to build or commit). A test fails when the template is stale or a language leaves a message untranslated.
The web app (issue 11) is to use the same catalogues.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date, format_skeleton, format_time, get_timezone_name
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent.parent / "locale"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
# The languages people may read their messages in, and the CLDR locale their dates and times are written in.
LANGUAGES = {"en": "en_US", "es": "es_US"}


def language_of(tag: str | None) -> str:
    """The supported language closest to a BCP 47 tag (es-MX reads Spanish); English otherwise."""
    primary = (tag or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def zone_of(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of a language, compiled from its `.po`; English (the msgids themselves) needs none."""
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class Reader:
    """How to speak to one person: their language, and the time zone they read times in."""

    language: str
    zone: tzinfo

    @classmethod
    def of(cls, contact: dict | None) -> Reader:
        contact = contact or {}
        return cls(language_of(contact.get("language")), zone_of(contact.get("timezone")))

    @property
    def locale(self) -> str:
        return LANGUAGES[self.language]

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.language).ngettext(singular, plural, n)

    # --- dates and times, in the reader's zone unless another is given ---

    def local(self, moment: datetime, zone: tzinfo | None = None) -> datetime:
        return moment.astimezone(zone or self.zone)

    def deadline(self, moment: datetime, zone: tzinfo | None = None) -> datetime:
        """A moment by which to act, as it is to be said: one at midnight where it is read is the last minute of the day
        before (11:59 PM, as the web app says it), since "12:00 AM" of Friday reads as Friday, a day late."""
        local = self.local(moment, zone)
        return local - timedelta(minutes=1) if local.time() == time(0) else moment

    def day(self, moment: datetime | date, zone: tzinfo | None = None) -> str:
        """Thursday, March 4, 2027 / jueves, 4 de marzo de 2027."""
        if isinstance(moment, datetime):
            moment = self.local(moment, zone)
        return format_date(moment, "full", locale=self.locale)

    def short_day(self, moment: datetime, zone: tzinfo | None = None) -> str:
        """March 4, 2027 / 4 de marzo de 2027."""
        return format_date(self.local(moment, zone), "long", locale=self.locale)

    def time(self, moment: datetime, zone: tzinfo | None = None) -> str:
        """6:00 PM / 6:00 p.m."""
        return format_time(self.local(moment, zone), "short", locale=self.locale)

    def zone_name(self, moment: datetime, zone: tzinfo | None = None) -> str:
        """Central Standard Time / hora estándar central: the zone in force at that moment, named in full."""
        return get_timezone_name(self.local(moment, zone), "long", locale=self.locale)

    def moment(self, moment: datetime, zone: tzinfo | None = None) -> str:
        """Thu, Mar 4, 2027, 6:00 PM (Central Standard Time) / jue, 4 de mar de 2027, 6:00 p.m. (hora estándar
        central): a point in time, its day as the web app writes one (its `when` and `deadline`), with the zone named
        as a span names it."""
        local = self.local(moment, zone)
        return self.gettext("%(day)s, %(time)s (%(zone)s)") % {
            "day": format_skeleton("yMMMEd", local, locale=self.locale), "time": self.time(local),
            "zone": self.zone_name(local)}

    def span(self, starts: datetime, ends: datetime, zone: tzinfo | None = None) -> str:
        """When something takes place, with the zone named: Thursday, March 4, 2027, 6:00 PM – 7:00 PM (Central
        Standard Time); both days when it ends on another. Across a change of the clocks, each end's zone: Sunday,
        March 14, 2027, 1:45 AM (Eastern Standard Time) – 3:15 AM (Eastern Daylight Time), which one zone for both
        would have said lasts an hour and a half. The same for every reader of one language and zone (an
        announcement's thousands): written once (CLDR's formatting took most of a message's composing)."""
        return _span(self, starts, ends, zone or self.zone)

    def _span(self, starts: datetime, ends: datetime, zone: tzinfo) -> str:
        _ = self.gettext
        start, end = self.local(starts, zone), self.local(ends, zone)
        values = {"start": self.time(start, zone), "end": self.time(end, zone), "zone": self.zone_name(start, zone),
                  "start_day": self.day(start, zone), "end_day": self.day(end, zone)}
        if start.utcoffset() != end.utcoffset() or start.tzname() != end.tzname():
            values = {**values, "start_zone": values["zone"], "end_zone": self.zone_name(end, zone)}
            if start.date() == end.date():
                return _("%(day)s, %(start)s (%(start_zone)s) – %(end)s (%(end_zone)s)") % {
                    **values, "day": values["start_day"]}
            return _("%(start_day)s, %(start)s (%(start_zone)s) – %(end_day)s, %(end)s (%(end_zone)s)") % values
        if start.date() == end.date():
            return _("%(day)s, %(start)s – %(end)s (%(zone)s)") % {**values, "day": values["start_day"]}
        return _("%(start_day)s, %(start)s – %(end_day)s, %(end)s (%(zone)s)") % values



@lru_cache(maxsize=4096)
def _span(reader: Reader, starts: datetime, ends: datetime, zone: tzinfo) -> str:
    # Keyed by the zone as well as the instants: aware datetimes of one instant compare equal whatever their zone.
    return reader._span(starts, ends, zone)
