"""A chapter's coordinator vets the mentors of their chapter who offer to mentor in a national program (one no
chapter runs): the console names that program wherever it shows them, and warns of minors as it does for the
chapter's own programs."""

from __future__ import annotations

import html
import re

from .fakes import E9, as_

NATIONAL = "9a7e0c4e-2b51-4c8e-9d55-3f1f4b0c0b01"


def a_national_program_for_high_school_students(world) -> dict:
    """A national program whose mentees are high-school students, with a mentor of our chapter awaiting approval in
    it (the only mentor waiting)."""
    s = world["s"]
    program = s.program("Pathways for High Schoolers", None, id=NATIONAL, mentee_stages=["high_school"],
                        mentor_approval_required=True, both_must_accept=True)
    del s.enrollments[E9]
    s.enrollments["e-national"] = {"id": "e-national", "person_id": world["mentor"]["id"], "program_id": NATIONAL,
                                   "role": "mentor", "approval": "pending", "capacity": 1, "chapter_id": s.chapter,
                                   "display_name": world["mentor"]["display_name"],
                                   "enrolled_at": "2026-12-01T09:00:00+00:00"}
    world["mentor"]["enrollments"] = [s.enrollments["e-national"]]  # the directory finds them awaiting approval
    return program


def words(page: str) -> str:
    return " ".join(html.unescape(page).split())


async def test_a_mentor_awaiting_approval_in_a_national_program_is_shown_with_its_name_and_the_warning_of_minors(
        world):
    # A coordinator vetting a mentor for a national program for high-school students read " · up to 1 mentee" and
    # no warning that its mentees are minors: they approved a mentor for minors without being told.
    a_national_program_for_high_school_students(world)
    async with as_(world, "coordinator")[0] as page:
        queue = words((await page.get("/console/vetting")).text)
    assert "<p class=\"muted\">Pathways for High Schoolers · up to 1 mentee · waiting since" in queue
    assert "This program's mentees include high-school students, most of them minors" in queue


async def test_the_vetting_filter_offers_the_national_programs_beside_the_chapters_own_and_no_other_chapters(world):
    a_national_program_for_high_school_students(world)
    async with as_(world, "coordinator")[0] as page:
        queue = (await page.get("/console/vetting")).text
        filtered = (await page.get(f"/console/vetting?program_id={NATIONAL}")).text
    offered = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>',
                         re.search(r'<select id="program_id".*?</select>', queue, re.S)[0])
    assert [name for _, name in offered] == ["Any", "Into Medicine", "Pathways for High Schoolers"]
    assert f'<option value="{NATIONAL}" selected>Pathways for High Schoolers</option>' in filtered
    assert "Miami Mentors" not in queue


async def test_the_console_home_counts_mentors_awaiting_approval_in_a_national_program(world):
    # The home said "Nothing needs your attention" while a mentor of the chapter waited in a national program.
    a_national_program_for_high_school_students(world)
    async with as_(world, "coordinator")[0] as page:
        home = words((await page.get("/console")).text)
    assert (f'<a href="/console/vetting?program_id={NATIONAL}">1 mentor awaits your approval in Pathways for High '
            "Schoolers</a> (waiting since December 1, 2026)") in home
    assert "Nothing needs your attention" not in home


async def test_a_mentor_reported_in_a_national_program_is_on_the_console_home_to_look_into(world):
    a_national_program_for_high_school_students(world)
    world["s"].enrollments["e-national"].update(review_reason="conduct_reported",
                                                review_since="2026-12-05T20:30:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        home = words((await page.get("/console")).text)
    assert ("1 mentor to look into: their mentee reported a problem of conduct, in Pathways for High Schoolers"
            in home)


async def test_the_buttons_on_a_persons_page_name_the_national_program_they_act_in_to_a_screen_reader(world):
    # "Approve again as a mentor ()": the program's name was left empty for a program the coordinator does not run.
    a_national_program_for_high_school_students(world)
    mentor = world["mentor"]
    mentor["enrollments"][0].update(approval="suspended", was_approved=True, active=True)
    async with as_(world, "coordinator")[0] as page:
        shown = words((await page.get(f"/console/people/{mentor['id']}")).text)
    assert ('Approve again as a mentor<span class="visually-hidden"> (Pathways for High Schoolers)</span>'
            in shown)
    assert "()" not in shown


async def test_the_participants_list_names_a_national_program_its_people_are_in_and_filters_by_it(world):
    # The list said "Another program" of the national program a mentor of the chapter awaited approval in.
    a_national_program_for_high_school_students(world)
    async with as_(world, "coordinator")[0] as page:
        listed = words((await page.get(f"/console/people?program_id={NATIONAL}")).text)
    assert "<li>Pathways for High Schoolers: Mentor, Awaiting approval</li>" in listed
    assert f'<option value="{NATIONAL}" selected>Pathways for High Schoolers</option>' in listed
