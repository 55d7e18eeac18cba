"""The plain-text part of an email, as a mail app without HTML shows it: one fact a line, a link never glued to text."""

from __future__ import annotations

import re

import pytest
from notifications.adapters.i18n import Reader
from notifications.adapters.links import Links
from notifications.adapters.messages import compose

from .samples import NOW, WEB, gallery


@pytest.mark.parametrize("language", ["en", "es"])
async def test_each_fact_of_an_email_is_a_line_of_its_own_in_its_plain_text_and_each_link_ends_its_line(language):
    rendered = await gallery(language)
    told = set()
    for r in rendered:
        message = compose(r.kind, r.context, Reader.of(r.context["recipient"]), Links(WEB), NOW)
        lines = r.email.text.splitlines()
        for detail in message.details:
            first = f"{detail.label}: {detail.value.splitlines()[0]}"
            assert any(line == first or line.startswith(first + " <") for line in lines), \
                f"{r.label}: {first!r} is not a line of its own in {r.email.text!r}"
            told.add(r.kind)
        for line in lines:
            for link in re.finditer(r"https?://", line):
                assert link.start() == 0 or line[link.start() - 1] in " <", f"{r.label}: {line!r}"
            if "://" in line:
                assert re.search(r"https?://\S+>?$", line), f"{r.label}: a link glued to what follows, {line!r}"
    assert {"registration_confirmed", "office_hours_booked", "office_hours_booked_host", "pairing_confirmed"} <= told


async def test_an_online_events_registration_says_where_and_how_to_join_on_lines_of_their_own():
    [seat] = [r for r in await gallery("en") if r.kind == "registration_confirmed" and "Where: Online" in r.email.text]
    lines = seat.email.text.splitlines()
    assert "Where: Online" in lines
    assert any(re.fullmatch(r"Join online: https://\S+", line) for line in lines)
    # The details stand apart from the link to act, as from the paragraphs before them.
    action = next(i for i, line in enumerate(lines) if line.startswith("See the event: "))
    assert lines[action - 1] == ""
