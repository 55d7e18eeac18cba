"""A program form turned into profiles' body: whether other teams may see who takes part (`members_public`) is sent
when the form offered it (an unticked box then means no), and in a change only when it differs from the program's;
a form that did not offer it sends nothing of it, so the program keeps what it has."""

from __future__ import annotations

from starlette.datastructures import FormData
from web.console.program_settings import _changes, _read, _shown

SETTINGS = [("name", "Open Doors"), ("mentee_stages", "undergraduate"), ("mentor_stages", "resident"),
            ("format", "one_to_one"), ("pairing_mode", "on_registration"), ("pairing_kinds", "general"),
            ("term_months", "12"), ("cadence_min_days", "30"), ("cadence_max_days", "60"), ("minimum_score", "0"),
            ("group_size", ""), ("pair_cap", ""), ("answer_within_days", "")]
PROGRAM = {"id": "p1", "name": "Open Doors", "chapter_id": "c1", "mentee_stages": ["undergraduate"],
           "mentor_stages": ["resident"], "format": "one_to_one", "pairing_mode": "on_registration",
           "pairing_kinds": ["general"], "term_months": 12, "cadence_min_days": 30, "cadence_max_days": 60,
           "minimum_score": 0, "group_size": None, "pair_cap": None, "answer_within_days": None,
           "both_must_accept": False, "mentor_approval_required": False, "members_public": False}


def posted(*more: tuple[str, str]) -> FormData:
    return FormData([*SETTINGS, *more])


OFFERED = ("members_public_offered", "yes")
TICKED = ("members_public", "on")


def test_a_new_program_offered_the_box_unticked_is_sent_as_keeping_who_takes_part():
    values, body, problems = _read(posted(OFFERED))
    assert problems == {}
    assert body["members_public"] is False and values["members_public"] is False


def test_a_new_program_with_the_box_ticked_is_sent_as_letting_other_teams_see_who_takes_part():
    values, body, _ = _read(posted(OFFERED, TICKED))
    assert body["members_public"] is True and values["members_public"] is True


def test_a_form_that_did_not_offer_the_box_sends_nothing_of_it_and_shows_the_programs_own():
    _, new, _ = _read(posted())
    assert "members_public" not in new
    shared = {**PROGRAM, "members_public": True}
    values, body, _ = _read(posted(), shared)
    assert "members_public" not in body and values["members_public"] is True
    assert "members_public" not in _changes(shared, body)


def test_a_change_sends_who_may_see_who_takes_part_only_when_it_changed():
    _, unticked, _ = _read(posted(OFFERED), PROGRAM)
    assert _changes(PROGRAM, unticked) == {}
    _, ticked, _ = _read(posted(OFFERED, TICKED), PROGRAM)
    assert _changes(PROGRAM, ticked) == {"members_public": True}
    shared = {**PROGRAM, "members_public": True}
    assert _changes(shared, ticked) == {}
    assert _changes(shared, unticked) == {"members_public": False}


def test_a_save_of_another_setting_leaves_who_may_see_who_takes_part_out():
    form = FormData([*[(k, "6" if k == "term_months" else v) for k, v in SETTINGS], OFFERED])
    _, body, _ = _read(form, PROGRAM)
    assert _changes(PROGRAM, body) == {"term_months": 6}


def test_a_program_answered_without_the_field_counts_as_keeping_who_takes_part():
    older = {k: v for k, v in PROGRAM.items() if k != "members_public"}
    assert _shown(older)["members_public"] is False
    _, unticked, _ = _read(posted(OFFERED), older)
    assert "members_public" not in _changes(older, unticked)
    _, ticked, _ = _read(posted(OFFERED, TICKED), older)
    assert _changes(older, ticked) == {"members_public": True}
