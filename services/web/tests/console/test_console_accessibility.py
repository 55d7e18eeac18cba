"""What the accessibility review asked of the console's pages, read from their HTML (the fakes behind them): required
fields marked as such (and optional ones said to be), a form answered with mistakes opens on the list of them, each
linking to its field, and says "Error" in its title; console titles differ from the participant pages of the same
name; no id twice on a page; the skip link lands past the console's menu; hints read out with their field."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from .fakes import CSRF, ROUND, as_


class Tags(HTMLParser):
    """Every start tag of a page, in order, with its attributes; and the text of each label and legend."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.labels: dict[str, str] = {}
        self._label: list[str] | None = None
        self._label_for: str | None = None
        self._inside_label: list[str] = []
        self.hints_in_labels: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        named = dict(attrs)
        if tag == "label":
            self._label, self._label_for = [], named.get("for")
        elif self._label is not None and "hint" in (named.get("class") or "").split():
            self.hints_in_labels.append(self._label_for or "?")

    def handle_endtag(self, tag):
        if tag == "label" and self._label is not None:
            if self._label_for:
                self.labels[self._label_for] = " ".join("".join(self._label).split())
            self._label = None

    def handle_data(self, data):
        if self._label is not None:
            self._label.append(data)

    def by_id(self, id_: str) -> dict[str, str | None]:
        found = [attrs for _, attrs in self.tags if attrs.get("id") == id_]
        assert found, f"no element #{id_}"
        return found[0]

    def ids(self) -> Counter:
        return Counter(attrs["id"] for _, attrs in self.tags if attrs.get("id"))


def title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found
    return " ".join(found.group(1).split())


def summary_links(html: str) -> list[str]:
    """The fields the error summary links to (fails when there is no summary)."""
    found = re.search(r'<div class="notice error error-summary"[^>]*data-error-summary[^>]*>(.*?)</div>', html, re.S)
    assert found, "no error summary"
    assert "<h2>There is a problem</h2>" in found.group(1) or "<h2>Hay un problema</h2>" in found.group(1)
    return re.findall(r'<a href="#([^"]+)"', found.group(1))


async def test_console_forms_mark_their_required_fields_and_say_which_are_optional(world):
    async with as_(world, "coordinator")[0] as page, as_(world, "admin")[0] as admin:
        event = Tags((await page.get("/console/events/new")).text)
        program = Tags((await page.get("/console/programs")).text)
        chapter = Tags((await admin.get(f"/console/chapters/{world['s'].chapter}")).text)
        chapters = Tags((await admin.get("/console/chapters")).text)
    for required in ("title", "kind", "chapter_id", "timezone", "starts_at", "ends_at", "registration_deadline",
                     "capacity"):
        assert {"required", "aria-required"} & event.by_id(required).keys(), required
    for optional in ("description",):
        assert "required" not in event.by_id(optional)
        assert event.labels[optional].endswith("(optional)"), event.labels[optional]
    for required in ("name", "minimum_score", "term_months", "cadence_min_days", "cadence_max_days"):
        assert "required" in program.by_id(required), required
    assert "required" in program.by_id("pairing_mode-on_registration") and "required" in program.by_id(
        "format-one_to_one")
    for optional in ("pair_cap", "answer_within_days"):
        assert "required" not in program.by_id(optional) and program.labels[optional].endswith("(optional)")
    for form in (chapter, chapters):
        assert "required" in form.by_id("name") and form.by_id("timezone").get("aria-required") == "true"
    # The browser's own checks stay off: the server says what is wrong, in the page's words.
    for html, action in ((event, "/console/events/new"), (program, "/console/programs"),
                         (chapter, f"/console/chapters/{world['s'].chapter}")):
        assert [a for tag, a in html.tags if tag == "form" and a.get("action") == action and "novalidate" in a]


async def test_an_administrators_new_event_may_be_national_so_its_chapter_is_not_required(world):
    async with as_(world, "admin")[0] as admin:
        event = Tags((await admin.get("/console/events/new")).text)
    assert not {"required", "aria-required"} & event.by_id("chapter_id").keys()


@pytest.mark.parametrize("who, path, form", [
    ("coordinator", "/console/events/new", {"kind": "", "timezone": "Mars/Olympus"}),
    ("admin", "/console/chapters/{chapter}", {"name": "", "timezone": "America/Chicago"}),
    ("admin", "/console/chapters", {"name": "", "timezone": "Mars/Olympus"}),
    ("coordinator", "/console/pairings/{pairing}/end", {}),
    ("coordinator", "/console/pairings/{pairing}/reassign", {}),
    ("coordinator", "/console/people/{mentee}/suspend", {"note": ""}),
    ("coordinator", "/console/programs/{program}/invite", {"csv": ""}),
    ("coordinator", "/console/programs", {"name": ""}),
    ("coordinator", "/console/programs/{program}/settings", {"name": ""}),
])
async def test_a_console_form_with_mistakes_opens_on_a_summary_linking_each_to_its_field(world, who, path, form):
    where = path.format(chapter=world["s"].chapter, pairing=world["pairing"]["id"], mentee=world["mentee"]["id"],
                        program=world["program"]["id"])
    async with as_(world, who)[0] as page:
        answer = await page.post(where, data={"csrf": CSRF, **form})
    assert answer.status_code == 422
    links = summary_links(answer.text)
    assert links
    tags = Tags(answer.text)
    for field in links:
        tags.by_id(field)  # each link lands on its field
    assert title(answer.text).startswith("Error: ")
    assert title(answer.text).endswith(" · Console · Mentorship in medicine")
    assert answer.text.count("data-error-summary") == 1


async def test_a_console_form_with_mistakes_says_error_in_its_title_in_spanish(world):
    async with as_(world, "coordinator", "es")[0] as page:
        answer = await page.post("/console/events/new", data={"csrf": CSRF, "kind": ""})
    assert title(answer.text).startswith("Error: ") and " · Consola · " in title(answer.text)
    assert summary_links(answer.text)


async def test_console_titles_say_they_are_the_consoles(world):
    async with as_(world, "coordinator")[0] as page:
        people = await page.get("/console/people")
        events = await page.get("/console/events")
    assert title(people.text) == "Participants · Console · Mentorship in medicine"
    assert title(events.text) == "Events · Console · Mentorship in medicine"


async def test_the_status_filters_do_not_take_the_live_regions_id_and_keep_their_query_name(world):
    async with as_(world, "coordinator")[0] as page:
        for path in (f"/console/programs/{world['program']['id']}", "/console/events"):
            html = (await page.get(path)).text
            tags = Tags(html)
            assert tags.by_id("status").get("role") == "status", path
            assert tags.ids()["status"] == 1, path
            assert tags.by_id("status-filter").get("name") == "status"
            assert Tags(html).labels["status-filter"]


async def test_an_event_page_has_no_id_twice_when_someone_is_in_two_of_its_lists(world):
    event = world["event"]["id"]
    world["s"].roster[event].append({"id": "r4", "person_id": world["mentee"]["id"], "status": "cancelled"})
    async with as_(world, "coordinator")[0] as page:
        html = (await page.get(f"/console/events/{event}")).text
    assert world["mentee"]["display_name"] in html
    twice = [id_ for id_, count in Tags(html).ids().items() if count > 1]
    assert twice == []


async def test_the_skip_link_of_a_console_page_lands_past_the_consoles_menu(world):
    async with as_(world, "coordinator")[0] as page:
        html = (await page.get("/console/people")).text
    target = re.search(r'<a class="skip" href="#([^"]+)"', html).group(1)
    landing = html.index(f'id="{target}"')
    assert landing > html.index('class="console-nav"')
    assert landing < html.index("<h1")
    assert "tabindex" in Tags(html).by_id(target)


@pytest.mark.parametrize("who, path, field", [
    ("admin", "/console/chapters/{chapter}", "name"),
    ("coordinator", "/console/events/new", "virtual_link"),
    ("coordinator", "/console/people/{mentee}", "note"),
    ("coordinator", "/console/pairings/{pairing}", "end_reason"),
    ("coordinator", "/console/programs", "minimum_score"),
    ("coordinator", "/console/programs/{program}", "override_reason"),
])
async def test_a_console_hint_is_out_of_its_label_and_read_with_its_field(world, who, path, field):
    where = path.format(chapter=world["s"].chapter, pairing=world["pairing"]["id"], mentee=world["mentee"]["id"],
                        program=world["program"]["id"])
    async with as_(world, who)[0] as page:
        html = (await page.get(where)).text
    tags = Tags(html)
    assert tags.hints_in_labels == []
    described = (tags.by_id(field).get("aria-describedby") or "").split()
    assert f"{field}-hint" in described
    assert "hint" in (tags.by_id(f"{field}-hint").get("class") or "")


@pytest.mark.parametrize("language, said", [("en", "Console · Mentorship in medicine"),
                                            ("es", "Consola · Mentoría en medicina")])
async def test_the_console_homes_title_says_console_once(world, language, said):
    async with as_(world, "coordinator", language)[0] as page:
        found = title((await page.get("/console")).text)
    assert found == said


@pytest.mark.parametrize("language, path, said", [
    ("en", "/console/rounds/{round}", "Round of Into Medicine"),
    ("en", "/console/programs/{program}/rounds", "Rounds of Into Medicine"),
    ("en", "/console/programs/{program}/invite", "Invite to Into Medicine"),
    ("en", "/console/events/{event}/check-in", "Check-in: Suturing workshop"),
    ("en", "/console/events/{event}/edit", "Edit Suturing workshop"),
    ("en", "/console/pairings/{pairing}", "Ben Student with Dr. Ana Reyes"),
    ("es", "/console/rounds/{round}", "Ronda de Into Medicine"),
    ("es", "/console/events/{event}/check-in", "Registro de entrada: Suturing workshop"),
])
async def test_a_console_page_of_one_thing_names_it_in_its_title_as_its_heading_does(world, language, path, said):
    # A title shared by every round (or event, or program) tells a screen reader's list of tabs nothing (WCAG 2.4.2).
    where = path.format(round=ROUND, program=world["program"]["id"], event=world["event"]["id"],
                        pairing=world["pairing"]["id"])
    async with as_(world, "coordinator", language)[0] as page:
        html = (await page.get(where)).text
    console = "Console · Mentorship in medicine" if language == "en" else "Consola · Mentoría en medicina"
    assert title(html) == f"{said} · {console}"
    assert re.search(r"<h1>([^<]*)</h1>", html).group(1) == said


def opening_tag_of(html: str, said: str) -> str:
    found = re.search(rf'(<div class="notice[^"]*"[^>]*>)<p>{re.escape(said)}', html)
    assert found, f"no notice says {said!r}"
    return found.group(1)


async def test_a_console_notice_of_what_was_done_or_refused_is_marked_to_take_focus_when_the_page_opens(world):
    # As on the participants' pages: app.js brings focus to it, so it is read; without a script it is just there.
    pairing = world["pairing"]
    world["s"].refuse[("POST", f"/v1/pairings/{pairing['id']}/end")] = (409, "transition_not_allowed", "pairing_id")
    settings = f"/console/programs/{world['program']['id']}/settings"
    async with as_(world, "coordinator")[0] as page:
        saved = (await page.get(f"{settings}?done=settings_saved")).text
        refused = (await page.post(f"/console/pairings/{pairing['id']}/end",
                                   data={"csrf": CSRF, "reason_code": "conduct", "end_reason": "No-shows",
                                         "confirm": "yes"})).text
    done = opening_tag_of(saved, "The program's settings are saved.")
    error = opening_tag_of(refused, "This mentorship changed meanwhile")
    assert 'role="status"' in done and 'role="alert"' in error
    for opening in (done, error):
        assert "data-focus" in opening and 'tabindex="-1"' in opening, opening


class Links(HTMLParser):
    """Each link of a page's content (past the console's menu): where it goes, and all its text, hidden text too."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: tuple[str, list[str]] | None = None
        self.feed(html.split('id="content"', 1)[1])

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = (dict(attrs).get("href") or "", [])

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self.found.append((self._open[0], " ".join("".join(self._open[1]).split())))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1].append(data)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("path", ["/console", "/console/programs", "/console/reports"])
async def test_no_two_links_of_a_console_page_read_the_same_and_go_to_different_places(world, language, path):
    # "Settings" once per program, "Download as CSV" once per report (WCAG 2.4.4): hidden words name which.
    async with as_(world, "admin", language)[0] as page:
        html = (await page.get(path)).text
    places: dict[str, set[str]] = {}
    for href, text in Links(html).found:
        places.setdefault(text, set()).add(href)
    assert {text: hrefs for text, hrefs in places.items() if len(hrefs) > 1} == {}
    assert 'class="visually-hidden"' in html
