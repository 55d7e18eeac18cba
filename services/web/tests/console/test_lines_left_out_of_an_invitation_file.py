"""Inviting from a file: each line profiles leaves out is said with its problem, before inviting and once invited,
so that the coordinator can mend the file and upload it again."""

from __future__ import annotations

import html
import re

import pytest

from .fakes import CSRF, as_

# Ben Student is registered as an undergraduate: the program takes residents as mentors.
CSV = "\n".join(["name,email,stage", "Dr. Ana One,ana1@example.org,resident", ",nobody@example.org,resident",
                 "Dr. Bad Mail,not-an-address,resident", "Ben Student,ben@example.org,resident"])


def words(page: str) -> str:
    return " ".join(html.unescape(page).split())


@pytest.mark.parametrize("language, said", [
    ("en", "Stage: registered already at a stage this program does not take in this role"),
    ("es", "Etapa: ya está registrada en una etapa que este programa no admite en este rol")])
async def test_someone_registered_at_a_stage_the_program_does_not_take_in_the_role_is_said_so_in_words(
        world, language, said):
    async with as_(world, "coordinator", language)[0] as page:
        preview = words((await page.post(f"/console/programs/{world['program']['id']}/invite",
                                         data={"csrf": CSRF, "role": "mentor", "step": "preview", "csv": CSV})).text)
    assert said in preview and "registered_stage_not_eligible" not in preview


async def test_once_invited_the_lines_left_out_are_listed_with_their_problems_and_the_file_may_be_uploaded_again(
        world):
    # The page said "Lines left out for a problem: 3" and nothing of which: the coordinator could not mend them.
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        done = words((await page.post(f"/console/programs/{program['id']}/invite",
                                      data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": CSV})).text)
    assert "1 person invited; 1 invitation email sent." in done
    left_out = re.findall(r'<li id="line-(\d+)">(.*?)</ul>\s*</li>',
                          done.split('<h2 id="left-out">')[1].split("</ol>")[0])
    assert [(line, " ".join(re.sub(r"<[^>]+>", " ", said).split())) for line, said in left_out] == [
        ("3", "Line 3: nobody@example.org Name: missing"),
        ("4", "Line 4: Dr. Bad Mail · not-an-address Email: not an email address"),
        ("5", "Line 5: Ben Student · ben@example.org Stage: registered already at a stage this program does not "
              "take in this role")]
    assert ("Mend these lines in your file and upload it again: nobody in it who was invited already is invited "
            "twice.") in done
    assert f'<a href="/console/programs/{program["id"]}/invite">Invite from a file again</a>' in done
    assert len(s.calls_to("profiles", "POST", "/v1/invitations")) == 1


async def test_once_invited_from_a_file_with_no_problem_no_line_is_said_left_out(world):
    async with as_(world, "coordinator")[0] as page:
        done = words((await page.post(f"/console/programs/{world['program']['id']}/invite",
                                      data={"csrf": CSRF, "role": "mentor", "step": "confirm",
                                            "csv": "name,email,stage\nDr. Ana One,ana1@example.org,resident"})).text)
    assert "1 person invited" in done and 'id="left-out"' not in done and "Mend these lines" not in done


async def test_the_invitations_are_sent_and_said_when_the_lines_left_out_cannot_be_read_again(world):
    s = world["s"]
    s.refuse[("POST", "/v1/invitations/preview")] = (503, "service_unavailable", None)
    async with as_(world, "coordinator")[0] as page:
        done = await page.post(f"/console/programs/{world['program']['id']}/invite",
                               data={"csrf": CSRF, "role": "mentor", "step": "confirm", "csv": CSV})
    shown = words(done.text)
    assert done.status_code == 200 and "1 person invited; 1 invitation email sent." in shown
    assert "Lines left out for a problem: 3" in shown and 'id="left-out"' not in shown
