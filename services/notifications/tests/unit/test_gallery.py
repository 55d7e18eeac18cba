"""Every kind of message, in English and Spanish, read as its reader would: no raw id, no "None", no field name, the
times in the reader's zone with the zone named, a link to a page the web app serves, and valid HTML. (The same
messages are opened in Chromium and checked with axe-core in tests/integration/test_gallery_in_a_browser.py.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import html5lib
import pytest
from babel.dates import format_time
from notifications.adapters.i18n import Reader
from notifications.adapters.links import PATHS, Links
from notifications.adapters.messages import inbox_composer
from notifications.domain.model import KINDS

from .samples import KINDS_TOLD, NOW, WEB, gallery

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
FIELD_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
URL_OR_ADDRESS = re.compile(r"(?:https?://|mailto:)\S+|\S+@\S+")


# The web app as far as links go: the pages adapters/links.py says it serves, each taking ids only; but the
# confirmation of a new email address, which takes profiles' single-use token, and the unsubscribe page, which takes
# this service's signed one. Each says the language its reader reads (every reader of the gallery said one).
PAGES = [re.compile(re.sub(r"\\\{\w+\\\}", UUID_TEXT.pattern, re.escape(path))
                    + (r"\?token=[\w.-]+&amp;lang=(?:en|es)$" if name in ("email_confirmation", "unsubscribe")
                       else r"\?lang=(?:en|es)$"))
         for name, path in PATHS.items()]


def is_a_page(url: str) -> bool:
    return url.startswith(WEB + "/") and any(page.match(url.removeprefix(WEB)) for page in PAGES)


class _VisibleText(HTMLParser):
    """What a reader sees of an HTML body: its text, not its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(email) -> str:
    parser = _VisibleText()
    parser.feed(email.html)
    return URL_OR_ADDRESS.sub(" ", email.subject + "\n" + email.text + "\n" + " ".join(parser.parts))


def test_the_gallery_shows_every_kind_there_is():
    assert KINDS_TOLD == set(KINDS)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_every_message_reads_right_links_to_a_page_and_is_valid_html(language):
    rendered = await gallery(language)
    assert {r.kind for r in rendered} == KINDS_TOLD
    for r in rendered:
        seen, email = visible(r.email), r.email
        assert not UUID_TEXT.search(seen), f"{r.label}: a raw id in {seen!r}"
        assert not re.search(r"\bNone\b", seen), f"{r.label}: None in {seen!r}"
        assert not FIELD_NAME.findall(seen), f"{r.label}: a field name in {seen!r}"
        assert not re.search(r"%\(|\{\{|\}\}", seen), f"{r.label}: a placeholder left in {seen!r}"
        assert email.subject and email.subject == email.subject.strip() and "\n" not in email.subject
        assert f"<title>{email.subject}</title>" in email.html.replace("&#39;", "'").replace("&amp;", "&")
        # Links: the action, the settings page; every one a page of the web app, answered with ids only.
        links = re.findall(r'href="(https://app\.mentorship\.example[^"]*)"', email.html)
        assert links, f"{r.label}: no link to act on"
        for link in links:
            assert is_a_page(link), f"{r.label}: {link} is no page of the web app"
        html5lib.HTMLParser(strict=True).parse(email.html)  # raises at the first parse error
        # Times: in the reader's zone, zone named; never the UTC hour.
        reader = Reader.of(r.context["recipient"])
        held = r.context.get("event") or r.context.get("booking")
        if held and r.kind not in ("waitlist_closed",):
            starts: datetime = held["starts_at"]
            assert reader.time(starts) in email.text and reader.zone_name(starts) in email.text, r.label
            utc_hour = format_time(starts.astimezone(UTC).replace(tzinfo=None), "short", locale=reader.locale)
            assert utc_hour not in seen, f"{r.label}: the UTC time {utc_hour} in {seen!r}"
        assert (r.kind in {"daily_digest"}) or r.context["recipient"]["display_name"] in email.text


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_spanish_reader_reads_spanish_and_an_english_one_english(language):
    rendered = await gallery(language)
    said = " ".join(r.email.text for r in rendered)
    english, spanish = ("Hello", "See the event", "Thursday"), ("Hola", "Ver el evento", "jueves")
    assert all(word in said for word in (english if language == "en" else spanish))
    assert not any(word in said for word in (spanish if language == "en" else english))
    assert {r.email.language for r in rendered} == {language}


# What an email says of the calendar entry it carries.
SAID_OF_THE_ATTACHMENT = ("The calendar entry is attached.", "The updated calendar entry is attached.",
                          "The calendar entry attached removes it from your calendar.",
                          "The calendar entry attached removes the office hour from your calendar.")


@pytest.mark.parametrize("language", ["en", "es"])
async def test_an_inbox_item_carries_no_calendar_entry_so_it_never_says_one_is_attached_as_its_email_does(language):
    compose = inbox_composer(Links(WEB), clock=lambda: NOW)
    rendered = await gallery(language)
    with_entry = [r for r in rendered if r.email.attachments]
    assert {r.kind for r in with_entry} >= {"registration_confirmed", "office_hours_cancelled"}
    for r in rendered:
        reader = Reader.of(r.context["recipient"])
        attached = {reader.gettext(sentence) for sentence in SAID_OF_THE_ATTACHMENT}
        emailed = [sentence for sentence in attached if sentence in r.email.text]
        assert bool(emailed) == bool(r.email.attachments), f"{r.label}: the email says {emailed} of its attachments"
        in_the_inbox = compose(r.notification, r.email.subject, r.context)
        assert in_the_inbox.calendar is None
        assert not attached & set(in_the_inbox.paragraphs), f"{r.label}: its inbox copy says a calendar entry is attached"
