"""A program's settings in the console: the add form asks every setting profiles takes (its defaults chosen), a
settings page changes them with PATCH (only what changed), a refusal is worded next to its field with what was typed
kept, "Run a round" is offered only where pairs form in rounds, and each field has a label. The fake profiles checks
a program's body as profiles does (checked against profiles' own models when they can be imported)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from .fakes import CSRF, ROUND, as_, enrolled_since_shown

FULL = {"csrf": CSRF, "name": "Into Surgery", "mentee_stages": ["medical_student_3", "medical_student_4"],
        "mentor_stages": ["attending"], "mentor_approval_required": "on", "pairing_mode": "rounds",
        "both_must_accept": "on", "pairing_kinds": ["clinical", "research"], "minimum_score": "40",
        "pair_cap": "25", "format": "group", "group_size": "5", "term_months": "6", "cadence_min_days": "14",
        "cadence_max_days": "28", "answer_within_days": "7"}


def settings(world, **changed) -> str:
    world["program"].update(changed)
    return f"/console/programs/{world['program']['id']}/settings"


def the_form(text: str, action: str) -> str:
    return re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', text, re.S)[0]


def field_error(text: str, name: str) -> str | None:
    found = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', text)
    return found[1] if found else None


class Controls(HTMLParser):
    """A form's controls as assistive technology finds them: each one's label (a <label for> or the label around
    it), the fieldset it is in, and what it is described by (itself or its fieldset)."""

    def __init__(self, form: str) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.labelled: set[str] = set()
        self.errors: list[str] = []
        self._label_depth = 0
        self._fieldsets: list[dict] = []
        self.feed(form)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.labelled.add(a["for"])
        elif tag == "fieldset":
            self._fieldsets.append({"describedby": a.get("aria-describedby", ""), "legend": False})
        elif tag == "legend" and self._fieldsets:
            self._fieldsets[-1]["legend"] = True
        elif tag == "p" and "field-error" in a.get("class", ""):
            self.errors.append(a.get("id", ""))
        elif tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            described = a.get("aria-describedby", "").split()
            fieldset = self._fieldsets[-1] if self._fieldsets else None
            if fieldset:
                described += fieldset["describedby"].split()
            self.controls.append({"name": a.get("name"), "id": a.get("id"), "type": a.get("type", tag),
                                  "wrapped": self._label_depth > 0, "describedby": described,
                                  "invalid": a.get("aria-invalid") == "true",
                                  "in_fieldset_with_legend": bool(fieldset and fieldset["legend"])})

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_depth -= 1
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()

    def unlabelled(self) -> list[str]:
        return [c["name"] for c in self.controls if not c["wrapped"] and c["id"] not in self.labelled]


def value_of(form: str, name: str) -> str:
    return re.search(rf'<input [^>]*name="{name}"[^>]*value="([^"]*)"', form)[1]


def checked(form: str, name: str) -> list[str]:
    return [v for v, on in re.findall(rf'<input type="(?:checkbox|radio)" [^>]*name="{name}" value="([^"]+)"([^>]*)>',
                                      form) if "checked" in on]


# --- adding a program -------------------------------------------------------------------------------------------

async def test_the_add_form_asks_every_setting_with_the_apis_defaults_chosen(world):
    async with as_(world, "admin")[0] as page:
        form = the_form((await page.get("/console/programs")).text, "/console/programs")
    for words in ("How pairs form", "Automatically, as people sign up", "In rounds you run and review",
                  "Mentees choose from suggestions", "Both sides accept before a pairing starts", "Term (months)",
                  "One-to-one or groups", "Cap on pairs (optional)", "Minimum fit score (0–100)",
                  "Kinds of mentorship offered", "Days to answer a proposal (optional)"):
        assert words in form, words
    assert value_of(form, "term_months") == "12" and value_of(form, "minimum_score") == "0"
    assert (value_of(form, "cadence_min_days"), value_of(form, "cadence_max_days")) == ("30", "60")
    assert value_of(form, "pair_cap") == "" and value_of(form, "group_size") == ""
    assert value_of(form, "answer_within_days") == ""  # the platform's time to answer
    assert checked(form, "pairing_mode") == ["on_registration"] and checked(form, "format") == ["one_to_one"]
    assert checked(form, "pairing_kinds") == ["general"]
    assert checked(form, "both_must_accept") == [] and checked(form, "mentor_approval_required") == []
    assert checked(form, "members_public") == []  # who takes part is kept from other teams unless ticked


async def test_the_time_to_answer_left_empty_is_said_as_matching_sets_it_or_without_a_number_if_matching_is_down(world):
    s = world["s"]
    s.answer_within_days = 9  # the operator set matching's default so
    async with as_(world, "admin")[0] as page:
        set_so = " ".join((await page.get("/console/programs")).text.split())
        settings = " ".join((await page.get(f"/console/programs/{world['program']['id']}/settings")).text.split())
        s.refuse[("GET", "/v1/defaults")] = (503, "unavailable", None, "matching is restarting")
        unknown = " ".join((await page.get("/console/programs")).text.split())
    for shown in (set_so, settings):
        assert "Leave empty for the platform's default: 9 days." in shown and "14 days" not in shown
    assert "reminded before. Leave empty for the platform's default.</p>" in unknown  # no number to give


async def test_adding_a_program_sends_every_setting_to_profiles_as_numbers_and_yes_or_no(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        made = await page.post("/console/programs", data={**FULL, "chapter_id": s.chapter})
    assert made.status_code == 303 and made.headers["location"].endswith("done=program_saved")
    assert s.calls_to("profiles", "POST", "/v1/programs")[-1].body == {
        "name": "Into Surgery", "chapter_id": s.chapter, "mentee_stages": ["medical_student_3", "medical_student_4"],
        "mentor_stages": ["attending"], "mentor_approval_required": True, "pairing_mode": "rounds",
        "both_must_accept": True, "pairing_kinds": ["clinical", "research"], "minimum_score": 40, "pair_cap": 25,
        "format": "group", "group_size": 5, "term_months": 6, "cadence_min_days": 14, "cadence_max_days": 28,
        "answer_within_days": 7}


async def test_a_one_to_one_program_sends_no_group_size_and_an_empty_cap_sends_none(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        made = await page.post("/console/programs", data={**FULL, "format": "one_to_one", "group_size": "5",
                                                          "pair_cap": " "})
    assert made.status_code == 303
    body = s.calls_to("profiles", "POST", "/v1/programs")[-1].body
    assert body["format"] == "one_to_one" and body["group_size"] is None and body["pair_cap"] is None
    assert body["chapter_id"] is None


async def test_a_coordinator_adds_a_program_to_their_own_chapter_and_is_offered_no_national_or_other_chapter(world):
    s = world["s"]
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get("/console/programs")).text
        form = the_form(listed, "/console/programs")
        made = await page.post("/console/programs", data={**FULL, "chapter_id": s.chapter})
        national = await page.post("/console/programs", data={**FULL, "chapter_id": ""})
        elsewhere = await page.post("/console/programs", data={**FULL, "chapter_id": s.other_chapter})
    chapters = re.search(r'<select id="chapter_id".*?</select>', form, re.S)[0]
    assert f'value="{s.chapter}"' in chapters and s.other_chapter not in chapters and 'value=""' not in chapters
    assert made.status_code == 303
    assert [c.body["chapter_id"] for c in s.calls_to("profiles", "POST", "/v1/programs")] == [s.chapter]
    for refused in (national, elsewhere):
        assert refused.status_code == 422
        assert field_error(refused.text, "chapter_id") == "Choose one of your chapters."


async def test_a_setting_profiles_refuses_is_worded_next_to_its_field_and_everything_typed_is_kept(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        too_long = await page.post("/console/programs", data={**FULL, "term_months": "99"})
        crossed = await page.post("/console/programs", data={**FULL, "cadence_min_days": "40"})
        no_size = await page.post("/console/programs", data={**FULL, "group_size": ""})
    assert not s.calls_to("profiles", "POST", "/v1/programs"), "the console knows profiles' ranges: all said at once"
    assert too_long.status_code == 422
    assert field_error(too_long.text, "term_months") == "Give a whole number of months from 1 to 60."
    assert 'aria-invalid="true" aria-describedby="term_months-hint term_months-error"' in too_long.text
    form = the_form(too_long.text, "/console/programs")
    assert value_of(form, "name") == "Into Surgery" and value_of(form, "term_months") == "99"
    assert value_of(form, "pair_cap") == "25" and value_of(form, "group_size") == "5"
    assert checked(form, "pairing_mode") == ["rounds"] and checked(form, "format") == ["group"]
    assert checked(form, "pairing_kinds") == ["clinical", "research"] and checked(form, "both_must_accept") == ["on"]
    assert checked(form, "mentee_stages") == ["medical_student_3", "medical_student_4"]
    assert field_error(crossed.text, "cadence_max_days") == (
        "The most days between meetings cannot be fewer than the fewest.")
    assert field_error(no_size.text, "group_size") == "Give the size of each group: 2 to 50 people."


async def test_every_setting_profiles_refuses_at_once_is_worded_next_to_its_field_in_one_answer(world):
    async with as_(world, "admin")[0] as page:
        refused = await page.post("/console/programs", data={**FULL, "term_months": "99", "pair_cap": "999999999",
                                                             "answer_within_days": "99999"})
    assert refused.status_code == 422
    assert field_error(refused.text, "term_months") == "Give a whole number of months from 1 to 60."
    assert field_error(refused.text, "pair_cap") == (
        "Give a cap on pairs: a whole number from 1 to 100,000, or leave it empty for no cap.")
    assert field_error(refused.text, "answer_within_days").startswith("Give the days to answer a proposal")


async def test_a_program_named_as_another_of_its_chapter_is_asked_for_a_name_of_its_own_keeping_what_was_typed(
        world):
    world["s"].refuse[("POST", "/v1/programs")] = (409, "program_name_taken", "name",
                                                   "this chapter has a program named 'Into Surgery' already")
    async with as_(world, "admin")[0] as page:
        refused = await page.post("/console/programs", data=FULL)
    assert refused.status_code == 422
    assert field_error(refused.text, "name") == (
        "Another program of the same chapter has this name: give this one a name of its own, so that people can "
        "tell them apart.")
    assert value_of(the_form(refused.text, "/console/programs"), "term_months") == "6"


async def test_a_refusal_naming_an_item_of_a_field_is_worded_by_that_field_and_one_naming_none_above_the_form(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        s.refuse[("POST", "/v1/programs")] = (422, "invalid_request", "mentee_stages.1")
        item = await page.post("/console/programs", data=FULL)
        s.refuse[("POST", "/v1/programs")] = (422, "invalid_request", "body")
        whole = await page.post("/console/programs", data=FULL)
    assert field_error(item.text, "mentee_stages") == "Choose at least one stage for mentees."
    assert 'aria-describedby="mentee_stages-error"' in item.text
    assert whole.status_code == 422 and not re.search(r'class="field-error"', whole.text)
    assert re.search(r'data-error-summary[^>]*>\s*<h2>There is a problem</h2>\s*<ul><li>Something in the form', whole.text)
    assert value_of(the_form(whole.text, "/console/programs"), "name") == "Into Surgery"


async def test_a_number_that_is_not_a_whole_number_is_refused_next_to_its_field_without_asking_profiles(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        refused = await page.post("/console/programs", data={**FULL, "minimum_score": "high", "pair_cap": "2.5",
                                                             "name": "", "pairing_kinds": []})
    assert refused.status_code == 422 and not s.calls_to("profiles", "POST", "/v1/programs")
    assert field_error(refused.text, "minimum_score") == "Give a minimum fit score: a whole number from 0 to 100."
    assert field_error(refused.text, "pair_cap") == (
        "Give a cap on pairs: a whole number from 1 to 100,000, or leave it empty for no cap.")
    assert field_error(refused.text, "name") == "Give the program a name."
    assert field_error(refused.text, "pairing_kinds") == "Choose at least one kind of mentorship."
    form = the_form(refused.text, "/console/programs")
    assert value_of(form, "minimum_score") == "high" and value_of(form, "pair_cap") == "2.5"


async def test_six_bad_settings_are_all_worded_next_to_their_fields_in_one_answer_without_asking_profiles(world):
    s = world["s"]
    bad = {**FULL, "name": "", "minimum_score": "high", "term_months": "99", "cadence_min_days": "40",
           "cadence_max_days": "20", "group_size": "", "pair_cap": "0", "answer_within_days": "999"}
    async with as_(world, "admin")[0] as page:
        refused = await page.post("/console/programs", data=bad)
    assert refused.status_code == 422 and not s.calls_to("profiles", "POST", "/v1/programs")
    assert field_error(refused.text, "name") == "Give the program a name."
    assert field_error(refused.text, "minimum_score") == "Give a minimum fit score: a whole number from 0 to 100."
    assert field_error(refused.text, "term_months") == "Give a whole number of months from 1 to 60."
    assert field_error(refused.text, "cadence_max_days") == (
        "The most days between meetings cannot be fewer than the fewest.")
    assert field_error(refused.text, "group_size") == "Give the size of each group: 2 to 50 people."
    assert field_error(refused.text, "pair_cap") == (
        "Give a cap on pairs: a whole number from 1 to 100,000, or leave it empty for no cap.")
    assert field_error(refused.text, "answer_within_days").startswith("Give the days to answer a proposal")


async def test_changing_settings_words_a_word_and_a_number_out_of_range_at_once(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        refused = await page.post(settings(world), data={**FULL, "minimum_score": "high", "term_months": "0"})
    assert refused.status_code == 422 and not s.calls_to("profiles", "PATCH")
    assert field_error(refused.text, "minimum_score") == "Give a minimum fit score: a whole number from 0 to 100."
    assert field_error(refused.text, "term_months") == "Give a whole number of months from 1 to 60."


# --- a program's settings ---------------------------------------------------------------------------------------

async def test_a_programs_page_links_to_its_settings_which_show_what_it_is_now(world):
    path = settings(world, format="group", group_size=4, term_months=9, both_must_accept=True, pair_cap=30,
                    pairing_kinds=["general", "career"], minimum_score=55)
    async with as_(world, "coordinator")[0] as page:
        program_page = (await page.get(f"/console/programs/{world['program']['id']}")).text
        text = (await page.get(path)).text
    assert f'<a href="{path}">Settings</a>' in program_page
    form = the_form(text, path)
    assert value_of(form, "name") == "Into Medicine" and value_of(form, "group_size") == "4"
    assert value_of(form, "term_months") == "9" and value_of(form, "pair_cap") == "30"
    assert value_of(form, "minimum_score") == "55" and checked(form, "format") == ["group"]
    assert checked(form, "pairing_mode") == ["rounds"] and checked(form, "both_must_accept") == ["on"]
    assert checked(form, "pairing_kinds") == ["general", "career"]
    assert checked(form, "mentee_stages") == ["undergraduate"] and checked(form, "mentor_stages") == ["resident"]


async def test_saving_settings_sends_only_what_changed_and_says_they_are_saved(world):
    s, path = world["s"], settings(world)
    async with as_(world, "coordinator")[0] as page:
        form = (await page.get(path)).text
        posted = {**Posted(the_form(form, path)).fields, "term_months": ["6"], "pairing_mode": ["mentee_choice"],
                  "mentor_stages": ["resident", "fellow"]}
        saved = await page.post(path, data=posted)
        assert saved.status_code == 303 and saved.headers["location"] == f"{path}?done=settings_saved"
        after = (await page.get(saved.headers["location"])).text
    [change] = s.calls_to("profiles", "PATCH")
    assert change.body == {"term_months": 6, "pairing_mode": "mentee_choice", "mentor_stages": ["resident", "fellow"]}
    assert 'role="status"' in after and "The program's settings are saved." in after
    assert checked(the_form(after, path), "pairing_mode") == ["mentee_choice"]


async def test_a_programs_own_time_to_answer_is_set_and_emptied_back_to_the_platforms(world):
    s, path = world["s"], settings(world)
    async with as_(world, "coordinator")[0] as page:
        fields = Posted(the_form((await page.get(path)).text, path)).fields
        await page.post(path, data={**fields, "answer_within_days": ["5"]})
        assert s.calls_to("profiles", "PATCH")[-1].body == {"answer_within_days": 5}
        shown = the_form((await page.get(path)).text, path)
        assert value_of(shown, "answer_within_days") == "5"
        await page.post(path, data={**Posted(shown).fields, "answer_within_days": [""]})
    assert s.calls_to("profiles", "PATCH")[-1].body == {"answer_within_days": None}


async def test_saving_settings_left_as_they_were_changes_nothing_and_says_so(world):
    s, path = world["s"], settings(world, mentor_stages=["resident", "attending"])
    async with as_(world, "admin")[0] as page:
        fields = Posted(the_form((await page.get(path)).text, path)).fields
        saved = await page.post(path, data={**fields, "mentor_stages": ["attending", "resident"]})
        after = (await page.get(saved.headers["location"])).text
    assert saved.headers["location"] == f"{path}?done=settings_unchanged" and not s.calls_to("profiles", "PATCH")
    assert "Nothing was changed." in after


async def test_a_group_program_made_one_to_one_loses_its_group_size(world):
    s, path = world["s"], settings(world, format="group", group_size=6)
    async with as_(world, "coordinator")[0] as page:
        fields = Posted(the_form((await page.get(path)).text, path)).fields
        saved = await page.post(path, data={**fields, "format": ["one_to_one"]})
    assert saved.status_code == 303
    assert s.calls_to("profiles", "PATCH")[-1].body == {"format": "one_to_one", "group_size": None}
    assert world["program"]["group_size"] is None


async def test_a_change_profiles_refuses_is_worded_next_to_its_field_and_what_was_typed_is_kept(world):
    s, path = world["s"], settings(world)
    async with as_(world, "coordinator")[0] as page:
        fields = Posted(the_form((await page.get(path)).text, path)).fields
        s.refuse[("PATCH", f"/v1/programs/{world['program']['id']}")] = (422, "invalid", "cadence_max_days")
        refused = await page.post(path, data={**fields, "cadence_max_days": ["40"], "name": ["Into Medicine II"]})
    assert refused.status_code == 422
    assert s.calls_to("profiles", "PATCH")[-1].body == {"name": "Into Medicine II", "cadence_max_days": 40}
    assert world["program"]["name"] == "Into Medicine", "profiles changed nothing"
    assert field_error(refused.text, "cadence_max_days") == (
        "The most days between meetings cannot be fewer than the fewest.")
    assert 'aria-invalid="true" aria-describedby="cadence_max_days-error"' in refused.text
    form = the_form(refused.text, path)
    assert value_of(form, "name") == "Into Medicine II" and value_of(form, "cadence_max_days") == "40"


async def test_the_settings_say_a_programs_chapter_cannot_be_changed_and_never_send_one(world):
    s, path = world["s"], settings(world)
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get(path)).text
        fields = Posted(the_form(text, path)).fields
        await page.post(path, data={**fields, "chapter_id": [s.other_chapter], "term_months": ["3"]})
    assert 'name="chapter_id"' not in the_form(text, path)
    assert "Chicago" in text and "A program stays in the chapter it was made in" in text
    assert s.calls_to("profiles", "PATCH")[-1].body == {"term_months": 3}


async def test_a_coordinator_finds_no_settings_of_another_chapters_or_a_national_program(world):
    s = world["s"]
    national = s.program("National Pipeline")
    async with as_(world, "coordinator")[0] as page:
        for program in (world["other_program"], national):
            path = f"/console/programs/{program['id']}/settings"
            assert (await page.get(path)).status_code == 404
            refused = await page.post(path, data={"csrf": CSRF, "name": "Taken over", "term_months": "3"})
            assert refused.status_code == 404 and "Taken over" not in refused.text
    assert not s.calls_to("profiles", "PATCH")
    async with as_(world, "admin")[0] as page:
        assert (await page.get(f"/console/programs/{national['id']}/settings")).status_code == 200


async def test_the_settings_page_is_in_spanish(world):
    path = settings(world)
    async with as_(world, "coordinator", "es")[0] as page:
        text = (await page.get(path)).text
        saved = (await page.get(f"{path}?done=settings_saved")).text
    assert '<html lang="es">' in text and "Cómo se forman las duplas" in text and "Plazo (meses)" in text
    assert "Se guardó la configuración del programa." in saved


# --- who may see who takes part --------------------------------------------------------------------------------

def words_of(text: str) -> str:
    return " ".join(text.split())


async def test_who_takes_part_is_kept_from_other_teams_unless_the_coordinator_ticks_otherwise_when_adding(world):
    s = world["s"]
    async with as_(world, "admin")[0] as page:
        form = the_form((await page.get("/console/programs")).text, "/console/programs")
        await page.post("/console/programs", data={**FULL, "name": "Pride in Medicine",
                                                   "members_public_offered": "yes"})
        await page.post("/console/programs", data={**FULL, "name": "Career Day Mentors",
                                                   "members_public_offered": "yes", "members_public": "on"})
    hint = words_of(re.search(r'<p class="hint" id="members_public-hint">(.*?)</p>', form, re.S)[1])
    assert "Who may see who takes part" in form and "Let other teams see who takes part" in form
    for said in ("teams that subscribe to the platform's events see who enrolls in this program, who is paired in "
                 "it and who waits for a mentor, never their names",
                 "Leave it unticked for a program whose membership says something about someone, such as an LGBTQ+ "
                 "or another affinity program", "It can be changed only until someone enrolls or is invited."):
        assert said in hint, said
    assert [(c.body["name"], c.body["members_public"]) for c in s.calls_to("profiles", "POST", "/v1/programs")] == [
        ("Pride in Medicine", False), ("Career Day Mentors", True)]


async def test_who_takes_part_may_be_shared_until_someone_enrolls_and_the_programs_page_says_which(world):
    s = world["s"]
    program = s.program("Open Doors", s.chapter)  # nobody has enrolled
    path, page_of = f"/console/programs/{program['id']}/settings", f"/console/programs/{program['id']}"
    async with as_(world, "coordinator")[0] as page:
        kept = words_of((await page.get(page_of)).text)
        fields = Posted(the_form((await page.get(path)).text, path)).fields
        assert fields["members_public_offered"] == ["yes"] and "members_public" not in fields
        saved = await page.post(path, data={**fields, "members_public": ["on"]})
        shown = the_form((await page.get(path)).text, path)
        shared = words_of((await page.get(page_of)).text)
        await page.post(path, data={**Posted(shown).fields, "term_months": ["6"]})
        now = Posted(the_form((await page.get(path)).text, path)).fields
        await page.post(path, data={k: v for k, v in now.items() if k != "members_public"})  # unticked
    assert saved.status_code == 303
    assert [c.body for c in s.calls_to("profiles", "PATCH")] == [
        {"members_public": True}, {"term_months": 6}, {"members_public": False}]
    assert checked(shown, "members_public") == ["on"]
    assert "Who takes part is kept from other teams." in kept
    assert "Who takes part is shared with other teams (never their names)." in shared


@pytest.mark.parametrize("language, kept, fixed", [
    ("en", "Who takes part is kept from other teams.",
     "People have enrolled or been invited trusting who may see that they did: this stays as it was."),
    ("es", "Quién participa no se comparte con otros equipos.",
     "Hay personas que se inscribieron o recibieron una invitación confiando en quién puede saberlo: esto se queda "
     "como estaba.")])
async def test_once_people_have_enrolled_who_may_see_who_takes_part_is_said_as_it_stays_and_not_offered(
        world, language, kept, fixed):
    s, path = world["s"], settings(world)  # Into Medicine: people have enrolled
    async with as_(world, language=language, who="coordinator")[0] as page:
        shown = (await page.get(path)).text
        form = the_form(shown, path)
        saved = await page.post(path, data={**Posted(form).fields, "term_months": ["6"]})
    assert 'name="members_public"' not in form and "members_public_offered" not in form
    assert f"{kept} {fixed}" in words_of(form)
    # The program says so: no list of its people is asked for (profiles would audit it as a look at people).
    assert not s.calls_to("profiles", "GET", "/v1/people") and not s.calls_to("profiles", "GET", "/v1/invitations")
    assert saved.status_code == 303 and s.calls_to("profiles", "PATCH")[-1].body == {"term_months": 6}


async def test_once_people_have_been_invited_who_may_see_who_takes_part_is_not_offered_either(world):
    s = world["s"]
    program = s.program("Open Doors", s.chapter)  # nobody has enrolled, one is invited
    s.invited.add(("eva@example.org", program["id"], "mentee"))
    path = f"/console/programs/{program['id']}/settings"
    async with as_(world, "coordinator")[0] as page:
        form = the_form((await page.get(path)).text, path)
    assert 'name="members_public"' not in form and "this stays as it was" in words_of(form)


async def test_once_someone_has_enrolled_the_refusal_is_said_next_to_the_field_and_a_save_again_keeps_the_rest(
        world):
    s = world["s"]
    world["program"] = enrolled_since_shown(world)
    path = settings(world)
    async with as_(world, "coordinator")[0] as page:
        fields = Posted(the_form((await page.get(path)).text, path)).fields
        refused = await page.post(path, data={**fields, "members_public": ["on"], "term_months": ["6"]})
        form = the_form(refused.text, path)
        again = await page.post(path, data=Posted(form).fields)
    assert refused.status_code == 422
    assert s.calls_to("profiles", "PATCH")[0].body == {"term_months": 6, "members_public": True}
    fixed = "People have enrolled or been invited trusting who may see that they did: this stays as it was."
    assert field_error(refused.text, "members_public") == fixed
    assert re.search(rf'data-error-summary.*?<a href="#members_public">{re.escape(fixed)}</a>', refused.text, re.S)
    assert 'aria-describedby="members_public-hint members_public-error"' in form
    assert checked(form, "members_public") == [] and value_of(form, "term_months") == "6"  # as it stays; as typed
    assert again.status_code == 303 and s.calls_to("profiles", "PATCH")[-1].body == {"term_months": 6}
    assert world["program"]["members_public"] is False and world["program"]["term_months"] == 6


async def test_who_may_see_who_takes_part_is_asked_and_said_in_spanish(world):
    world["program"] = enrolled_since_shown(world)
    path = settings(world)
    async with as_(world, "coordinator", "es")[0] as page:
        text = words_of((await page.get(path)).text)
        program_page = words_of((await page.get(f"/console/programs/{world['program']['id']}")).text)
        fields = Posted(the_form((await page.get(path)).text, path)).fields
        refused = await page.post(path, data={**fields, "members_public": ["on"]})
    assert "Quién puede ver quién participa" in text and "Permitir que otros equipos vean quién participa" in text
    assert "Quién participa no se comparte con otros equipos." in program_page
    assert field_error(refused.text, "members_public") == (
        "Hay personas que se inscribieron o recibieron una invitación confiando en quién puede saberlo: esto se "
        "queda como estaba.")


# --- labels and errors, for assistive technology ----------------------------------------------------------------

async def test_every_field_of_the_program_forms_has_a_label_and_an_error_is_linked_to_its_field(world):
    world["program"] = enrolled_since_shown(world)  # who may see who takes part still offered
    path = settings(world)
    async with as_(world, "admin")[0] as page:
        add = the_form((await page.get("/console/programs")).text, "/console/programs")
        change = the_form((await page.get(path)).text, path)
        refused_add = await page.post("/console/programs", data={
            **FULL, "name": "", "mentee_stages": [], "pairing_kinds": [], "term_months": "x",
            "cadence_min_days": "", "cadence_max_days": "y", "minimum_score": "z", "pair_cap": "-", "group_size": "?"})
        refused_change = await page.post(path, data={**FULL, "name": "", "mentor_stages": [], "term_months": "x"})
    for form in (add, change):
        controls = Controls(form)
        names = {c["name"] for c in controls.controls}
        assert names >= {"name", "mentee_stages", "mentor_stages", "mentor_approval_required", "members_public",
                         "pairing_mode",
                         "both_must_accept", "pairing_kinds", "minimum_score", "pair_cap", "format", "group_size",
                         "term_months", "cadence_min_days", "cadence_max_days"}
        assert controls.unlabelled() == []
        assert [c["name"] for c in controls.controls if c["type"] in ("radio", "checkbox")
                and c["name"] not in ("mentor_approval_required", "both_must_accept")
                and not c["in_fieldset_with_legend"]] == []
    assert "chapter_id" in {c["name"] for c in Controls(add).controls}
    for answer in (refused_add, refused_change):
        assert answer.status_code == 422
        controls = Controls(answer.text)
        assert len(controls.errors) >= 3
        for error in controls.errors:
            field = error.removesuffix("-error")
            linked = [c for c in controls.controls if c["name"] == field]
            assert linked and all(error in c["describedby"] for c in linked), field
            assert all(c["invalid"] for c in linked if c["type"] not in ("radio", "checkbox")), field


# --- rounds where pairs form in rounds ------------------------------------------------------------------------

@pytest.mark.parametrize("mode, words", [("on_registration", "Pairs form automatically as people sign up"),
                                         ("mentee_choice", "Mentees choose their mentor from suggestions")])
async def test_run_a_round_is_offered_only_where_pairs_form_in_rounds_and_elsewhere_the_console_says_how(
        world, mode, words):
    program = world["program"]
    world["s"].rounds[ROUND]["status"] = "published"  # none open, whose draft would be offered instead
    rounds = f"/console/programs/{program['id']}/rounds"
    async with as_(world, "coordinator")[0] as page:
        in_rounds = [(await page.get(p)).text for p in ("/console", "/console/programs",
                                                         f"/console/programs/{program['id']}", rounds)]
        program["pairing_mode"] = mode
        otherwise = [(await page.get(p)).text for p in ("/console", "/console/programs",
                                                         f"/console/programs/{program['id']}", rounds)]
    assert "Run a round" in in_rounds[3] and all(f'href="{rounds}"' in text for text in in_rounds[:3])
    assert "Run a round" not in otherwise[3] and f'action="{rounds}"' not in otherwise[3]
    for text in otherwise:
        assert f'href="{rounds}"' not in text and words in text
    assert f'href="/console/programs/{program["id"]}/settings"' in otherwise[3]


async def test_a_round_asked_for_a_program_that_does_not_pair_in_rounds_is_refused_without_asking_matching(world):
    s, program = world["s"], world["program"]
    program["pairing_mode"] = "on_registration"
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/rounds", data={"csrf": CSRF})
    assert refused.status_code == 409 and "Pairs form automatically as people sign up" in refused.text
    assert not s.calls_to("matching", "POST")


@pytest.mark.parametrize("language, words", [("en", "Could not be paired this time"),
                                             ("es", "No se pudo asignar esta vez")])
async def test_a_mentee_left_unpaired_for_a_reason_the_console_does_not_know_is_worded(world, language, words):
    world["s"].rounds[ROUND]["unpaired"] = [{"mentee_id": world["waiting"]["id"], "reason_code": "something_new"}]
    async with as_(world, "coordinator", language)[0] as page:
        text = (await page.get(f"/console/rounds/{ROUND}")).text
    assert f"Cleo Waiting: {words}</li>" in text and "something_new" not in text


class Posted(HTMLParser):
    """What a browser posts from a form left as shown: text inputs' values, checked boxes and radios."""

    def __init__(self, form: str) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.feed(form)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and (a.get("type") not in ("checkbox", "radio") or "checked" in a):
            self.fields.setdefault(a["name"], []).append(a.get("value") or ("on" if a.get("type") == "checkbox"
                                                                            else ""))


@pytest.mark.parametrize("language, words", [
    ("en", "Keep the name to 200 characters or fewer: this one has 229."),
    ("es", "El nombre puede tener como máximo 200 caracteres: este tiene 229.")])
async def test_a_program_name_over_profiles_limit_is_refused_next_to_it_naming_the_limit_and_kept_whole(
        world, language, words):
    s, name = world["s"], "Into Surgery " * 17 + "and more"
    async with as_(world, "admin", language)[0] as page:
        refused = await page.post("/console/programs", data={**FULL, "name": name})
    assert refused.status_code == 422 and not s.calls_to("profiles", "POST", "/v1/programs")
    assert field_error(refused.text, "name") == words
    assert value_of(the_form(refused.text, "/console/programs"), "name") == name


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_settings_error_summary_names_each_field_and_lists_them_in_the_pages_order(world, language):
    path = settings(world)
    bad = {**FULL, "cadence_min_days": "many", "cadence_max_days": "0", "term_months": "99", "pair_cap": "lots",
           "name": ""}
    async with as_(world, "coordinator", language)[0] as page:
        refused = await page.post(path, data=bad)
    summary = refused.text.split("data-error-summary")[1].split("</div>")[0]
    linked = re.findall(r'<a href="#([a-z_]+)">([^<]*)</a>', summary)
    assert [field for field, _ in linked] == ["name", "pair_cap", "term_months", "cadence_min_days",
                                              "cadence_max_days"], "as the fields come on the page"
    words = [said for _, said in linked]
    assert len(set(words)) == len(words), "no two entries read the same"
    if language == "en":
        assert dict(linked)["cadence_min_days"] == (
            "Give the fewest days between meetings: a whole number from 1 to 365.")
        assert dict(linked)["cadence_max_days"] == "Give the most days between meetings: a whole number from 1 to 365."


async def test_the_program_list_says_where_both_sides_accept_each_pair_and_mentors_are_approved_first(world):
    world["program"].update(both_must_accept=True, mentor_approval_required=True)
    async with as_(world, "coordinator")[0] as page:
        listed = " ".join((await page.get("/console/programs")).text.split())
    assert "Pairs form in rounds you run and review. Both sides accept each pair before it starts. Mentors are " \
           "approved before anyone is proposed to them." in listed


async def test_a_program_for_high_school_students_is_asked_to_vet_its_mentors_and_have_both_accept_before_profiles_is(
        world):
    s = world["s"]
    minors = {**FULL, "mentee_stages": ["high_school", "undergraduate"]}
    del minors["mentor_approval_required"], minors["both_must_accept"]
    async with as_(world, "admin")[0] as page:
        refused = await page.post("/console/programs", data=minors)
    assert refused.status_code == 422 and not s.calls_to("profiles", "POST", "/v1/programs")
    assert field_error(refused.text, "mentor_approval_required") == (
        "A program open to high-school students reviews its mentors first: tick this, or take high-school students "
        "out of its mentees.")
    assert field_error(refused.text, "both_must_accept") == (
        "A program open to high-school students asks both sides to accept each pair: tick this, or take high-school "
        "students out of its mentees.")
    controls = {c["name"]: c for c in Controls(the_form(refused.text, "/console/programs")).controls}
    assert controls["both_must_accept"]["invalid"]
    assert "both_must_accept-error" in controls["both_must_accept"]["describedby"]


async def test_profiles_refusing_a_safeguard_switched_off_is_worded_next_to_it(world):
    world["s"].refuse[("PATCH", f"/v1/programs/{world['program']['id']}")] = (
        422, "invalid", "both_must_accept", "a program open to high-school students asks both sides to accept")
    async with as_(world, "admin")[0] as page:
        refused = await page.post(settings(world), data={**FULL, "both_must_accept": ""})
    assert refused.status_code == 422
    assert field_error(refused.text, "both_must_accept").startswith("A program open to high-school students asks")


async def test_switching_the_safeguards_off_while_high_school_students_are_enrolled_is_refused_saying_why(world):
    world["s"].refuse[("PATCH", f"/v1/programs/{world['program']['id']}")] = (
        422, "minors_enrolled", "mentor_approval_required",
        "a program with high-school students enrolled as mentees reviews its mentors before they take part")
    async with as_(world, "admin")[0] as page:
        refused = await page.post(settings(world), data={**FULL, "mentor_approval_required": "", "both_must_accept": ""})
    assert refused.status_code == 422
    said = ("High-school students are enrolled in this program as mentees: it keeps reviewing its mentors and asking "
            "both sides to accept each pair.")
    # Both boxes unticked, both said: one flagged alone was ticked again and refused a second time.
    assert field_error(refused.text, "mentor_approval_required") == said
    assert field_error(refused.text, "both_must_accept") == said


async def test_pairing_by_hand_a_mentor_matching_does_not_find_in_the_program_is_refused_next_to_the_mentor_field(world):
    # Matching answers 404 "not_enrolled" (field mentor_id) of one who is no mentor there: the console answered with
    # its "This page is not here" page, the form and what was chosen gone.
    s, program = world["s"], world["program"]
    s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")] = (404, "not_enrolled", "mentor_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings", data={
            "csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"],
            "override_reason": "She asked for Ana"})
    assert refused.status_code == 422
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"mentor_id": "This person is not enrolled in this program in that role."}
    assert "not here" not in refused.text


async def test_pairing_by_hand_in_a_program_matching_does_not_find_is_still_a_page_not_found(world):
    s, program = world["s"], world["program"]
    s.refuse[("POST", f"/v1/programs/{program['id']}/pairings")] = (404, "program_not_found", "program_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/programs/{program['id']}/pairings", data={
            "csrf": CSRF, "mentee_id": world["waiting"]["id"], "mentor_id": world["mentor"]["id"],
            "override_reason": ""})
    assert refused.status_code == 404


async def test_reassigning_to_a_mentor_matching_does_not_find_in_the_program_is_refused_next_to_the_mentor_field(world):
    s, pairing = world["s"], world["pairing"]
    pairing["status"] = "active"
    s.refuse[("POST", f"/v1/pairings/{pairing['id']}/reassign")] = (404, "not_enrolled", "mentor_id")
    async with as_(world, "coordinator")[0] as page:
        refused = await page.post(f"/console/pairings/{pairing['id']}/reassign", data={
            "csrf": CSRF, "mentor_id": world["mentor"]["id"], "reason": "Closer to home"})
    assert refused.status_code == 422
    said = dict(re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', refused.text))
    assert said == {"mentor_id": "This person is not enrolled in this program in that role."}
