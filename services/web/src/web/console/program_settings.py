"""Programs and their settings: the list, adding a program with every setting profiles takes (its defaults chosen),
and a program's settings page, which changes them with PATCH (only what changed). Who may do it is profiles' rule
(`_require_manager_of_chapter`), mirrored: an administrator, any program; a coordinator, their chapters' programs
(never a national one). A refusal is worded next to its field; what was typed is given back.

Whether other teams may see who takes part (`members_public`) is asked apart: unticked by default, sent when the
form offered it (a hidden `members_public_offered`: an unticked box is then false) and, in a change, only when it
changed. profiles keeps it as it is once anyone has enrolled or been invited, ever (the program's
`members_public_fixed`): the settings page then does not offer it, and says why; someone enrolling after the page
was shown is refused by profiles, naming the field, and that refusal is worded next to it."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import FormData

from ..adapters.services import ServiceError
from ..entrypoints import labels as participant_labels
from ..entrypoints.web import Form
from . import labels
from .core import Console, ConsoleRoute, Desk, not_found, text, uuid_or_none

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)

# profiles' ProgramIn defaults, as the add form first shows them.
DEFAULTS: dict[str, Any] = {
    "chapter_id": "", "mentee_stages": [], "mentor_stages": [], "term_months": "12", "cadence_min_days": "30",
    "cadence_max_days": "60", "format": "one_to_one", "group_size": "", "pairing_mode": "on_registration",
    "both_must_accept": False, "pair_cap": "", "mentor_approval_required": False, "minimum_score": "0",
    "pairing_kinds": ["general"], "answer_within_days": "", "members_public": False,
}
NUMBERS = ("term_months", "cadence_min_days", "cadence_max_days", "group_size", "pair_cap", "minimum_score",
           "answer_within_days")
# Null to profiles: no group size (one-to-one), no cap, the platform's time to answer.
MAY_BE_EMPTY = ("group_size", "pair_cap", "answer_within_days")
# profiles' ProgramIn ranges, mirrored so that every field at fault is said in one answer (profiles still decides).
RANGES = {"term_months": (1, 60), "cadence_min_days": (1, 365), "cadence_max_days": (1, 365), "group_size": (2, 50),
          "pair_cap": (1, 100_000), "minimum_score": (0, 100), "answer_within_days": (1, 365)}
YES_OR_NO = ("both_must_accept", "mentor_approval_required")
LISTS = {"mentee_stages": participant_labels.STAGES, "mentor_stages": participant_labels.STAGES,
         "pairing_kinds": labels.PAIRING_KINDS}
CHOICES = {"format": labels.FORMATS, "pairing_mode": labels.PAIRING_MODES}
SETTINGS = ("name", *LISTS, *CHOICES, *NUMBERS, *YES_OR_NO)  # what a program's settings page may change
NAME_LIMIT = 200  # profiles' own (Name)
WHOLE_NUMBER = re.compile(r"-?([0-9]{1,9}|[0-9]{1,3}(,[0-9]{3}){1,2})")  # 100000 or 100,000


def _refused(error: ServiceError) -> bool:
    return error.status not in (403, 404) and error.status < 500


def _read(posted: FormData, program: dict | None = None) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The form as typed (to give back), the body profiles takes, and the fields at fault (their `labels` words,
    untranslated): what the form alone shows is missing or not a whole number. Every other rule is profiles'.
    `program`: the one changed (None: a new one), whose `members_public` stands when the form did not offer it."""
    # The name as typed, whole: one over profiles' limit is refused next to it, never cut where nobody sees.
    values: dict[str, Any] = {"name": text(posted, "name", 4000), "chapter_id": text(posted, "chapter_id", 40)}
    for name, known in LISTS.items():
        values[name] = [code for code in known if code in posted.getlist(name)]
    for name in CHOICES:
        values[name] = text(posted, name, 40)
    for name in NUMBERS:
        values[name] = text(posted, name, 20)
    for name in YES_OR_NO:
        values[name] = posted.get(name) == "on"
    body: dict[str, Any] = {"name": values["name"], **{name: values[name] for name in (*LISTS, *YES_OR_NO)}}
    if posted.get("members_public_offered"):  # the box was on the page: unticked is false
        values["members_public"] = body["members_public"] = posted.get("members_public") == "on"
    else:  # not asked: as it is (profiles' default, false, for a new program)
        values["members_public"] = _members_public(program) if program else False
    problems: dict[str, str] = {}
    for name in ("name", *LISTS):
        if not values[name]:
            problems[name] = labels.PROGRAM_PROBLEMS[name]
    if len(values["name"]) > NAME_LIMIT:
        problems["name"] = labels.NAME_TOO_LONG
    for name, known in CHOICES.items():
        body[name] = values[name]
        if values[name] not in known:
            problems[name] = labels.PROGRAM_PROBLEMS[name]
    for name in NUMBERS:
        typed = values[name]
        if name == "group_size" and values["format"] != "group":
            body[name] = None  # a one-to-one program has no group size, whatever was left in the field
        elif not typed and name in MAY_BE_EMPTY and name != "group_size":  # a group program has a size
            body[name] = None
        elif WHOLE_NUMBER.fullmatch(typed) and RANGES[name][0] <= int(typed.replace(",", "")) <= RANGES[name][1]:
            body[name] = int(typed.replace(",", ""))
        else:  # not a whole number, out of profiles' range, or a group program's size left empty
            problems[name] = labels.PROGRAM_PROBLEMS[name]
    if "high_school" in values["mentee_stages"]:
        problems.update({name: labels.FOR_MINORS[name] for name in YES_OR_NO if not values[name]})
    fewest, most = body.get("cadence_min_days"), body.get("cadence_max_days")
    if "cadence_max_days" not in problems and fewest is not None and most is not None and most < fewest:
        problems["cadence_max_days"] = labels.PROGRAM_RULES["cadence_max_days"]
    return values, body, problems


# The fields as the form shows them, so that its error summary lists them in the same order (a whole form's first).
PAGE_ORDER = ("form", "name", "chapter_id", "mentee_stages", "mentor_stages", "mentor_approval_required",
              "members_public", "pairing_mode", "both_must_accept", "pairing_kinds", "minimum_score", "pair_cap",
              "answer_within_days", "format", "group_size", "term_months", "cadence_min_days", "cadence_max_days")


def _in_page_order(problems: dict[str, str]) -> dict[str, str]:
    return dict(sorted(problems.items(), key=lambda item: PAGE_ORDER.index(item[0]) if item[0] in PAGE_ORDER
                       else len(PAGE_ORDER)))


def _words(desk: Desk, problems: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
    return {name: desk._(message, limit=NAME_LIMIT, count=len(values["name"])) if message == labels.NAME_TOO_LONG
            else desk._(message) for name, message in problems.items()}


def _service_problem(desk: Desk, error: ServiceError, values: dict[str, Any] | None = None) -> dict[str, str]:
    """profiles' refusal next to the field it names (`mentee_stages.0` is the mentee stages' field), or above the
    form when it names none of the form's; a malformed request's next to every field it names at once. Who may see
    who takes part refused (profiles keeps it once anyone has enrolled): said so next to it."""
    if error.code == "invalid_request" and len(error.fields) > 1:
        named = {f.split(".")[0] for f in error.fields}
        if known := [f for f in labels.PROGRAM_PROBLEMS if f in named]:
            return {f: desk._(labels.PROGRAM_PROBLEMS[f]) for f in known}
    field = (error.field or "").split(".")[0]
    if field in labels.FOR_MINORS and error.code == "minors_enrolled":  # next to each of the two left unticked
        unticked = [name for name in labels.FOR_MINORS if values is not None and not values.get(name)] or [field]
        return {name: desk._(labels.MINORS_ENROLLED) for name in unticked}
    if field in labels.FOR_MINORS and error.code == "invalid":
        return {field: desk._(labels.FOR_MINORS[field])}
    if field == "members_public":
        return {field: desk.error_words(error) if error.code == "invalid_request" else desk._(labels.MEMBERS_FIXED)}
    if field in labels.PROGRAM_PROBLEMS:
        if error.code == "invalid" and field in labels.PROGRAM_RULES:
            return {field: desk._(labels.PROGRAM_RULES[field])}
        if error.code in ("invalid", "invalid_request"):
            return {field: desk._(labels.PROGRAM_PROBLEMS[field])}
        return {field: desk.error_words(error)}
    return {"form": desk.error_words(error)}


def _shown(program: dict) -> dict[str, Any]:
    """A program's settings as the form shows them."""
    values = {name: program.get(name, DEFAULTS.get(name)) for name in SETTINGS}
    for name in NUMBERS:
        values[name] = "" if values[name] is None else str(values[name])
    values["chapter_id"] = program.get("chapter_id") or ""
    values["members_public"] = _members_public(program)
    return values


def _changes(program: dict, body: dict[str, Any]) -> dict[str, Any]:
    """What a settings form changes of the program: the settings that differ from it, and whether other teams may
    see who takes part only when the form asked it and it differs (a save of other fields, once someone has
    enrolled, leaves it be, as profiles requires)."""
    changes = {name: body[name] for name in SETTINGS if not _same(program.get(name), body[name])}
    if "members_public" in body and body["members_public"] != _members_public(program):
        changes["members_public"] = body["members_public"]
    return changes


def _members_public(program: dict) -> bool:
    """Whether the program lets other teams see who takes part; a program answered without it keeps them (false:
    profiles' default for every program made before it was asked)."""
    return program.get("members_public") is True


def _same(now: Any, wanted: Any) -> bool:
    if isinstance(now, list) and isinstance(wanted, list):
        return sorted(set(now)) == sorted(set(wanted))
    return now == wanted


# --- the list, and adding a program -----------------------------------------------------------------------------

async def _default_answer_days(desk: Desk) -> int | None:
    """Matching's time to answer for a program that sets none, as its operator configured it; None while matching
    does not answer (the form then names no number)."""
    try:
        return (await desk.api.call("matching", "GET", "/v1/defaults", desk.staff))["answer_within_days"]
    except ServiceError as error:
        if error.status < 500:
            raise
        return None


async def _programs_page(desk: Desk, status: int = 200, **context: Any) -> Response:
    found, chapters, default_answer_days = await asyncio.gather(desk.programs(), desk.chapters(),
                                                                _default_answer_days(desk))
    return desk.render("console/programs.html", status, programs=found, chapters={c["id"]: c for c in chapters},
                       chapter_list=chapters, default_answer_days=default_answer_days, **context)


@router.get("/programs")
async def programs(desk: Console, done: str | None = None) -> Response:
    return await _programs_page(desk, done=done, values=dict(DEFAULTS), problems={})


@router.post("/programs")
async def add_program(desk: Console, posted: Form) -> Response:
    values, body, problems = _read(posted)
    problems = _words(desk, problems, values)
    chapter = uuid_or_none(values["chapter_id"]) if values["chapter_id"] else None
    # As profiles: an administrator adds any program; a coordinator, one of their own chapters' (never a national one).
    if (values["chapter_id"] and chapter is None) or not desk.staff.coordinates(chapter):
        problems["chapter_id"] = desk._(labels.PROGRAM_PROBLEMS["chapter_id"])
    if not problems:
        try:
            await desk.api.call("profiles", "POST", "/v1/programs", desk.staff,
                                json={**body, "chapter_id": str(chapter) if chapter else None})
            return desk.redirect("/console/programs?done=program_saved")
        except ServiceError as error:
            if error.status == 404 and error.field == "chapter_id":
                problems["chapter_id"] = desk._(labels.PROGRAM_PROBLEMS["chapter_id"])
            elif _refused(error):
                problems = _service_problem(desk, error)
            else:
                raise
    return await _programs_page(desk, 422, values=values, problems=_in_page_order(problems))


# --- a program's settings ---------------------------------------------------------------------------------------

async def _program_to_change(desk: Desk, program_id: UUID) -> dict | None:
    """The program, if profiles lets this staff member change it (None: not theirs, shown as not found)."""
    program = await desk.api.call("profiles", "GET", f"/v1/programs/{program_id}", desk.staff)
    return program if desk.staff.coordinates(program.get("chapter_id")) else None


async def _settings_page(desk: Desk, program: dict, status: int = 200, **context: Any) -> Response:
    chapter_list, default_answer_days = await asyncio.gather(desk.chapters(), _default_answer_days(desk))
    taken_part = program.get("members_public_fixed") is True
    chapters = {c["id"]: c for c in chapter_list}
    return desk.render("console/program_settings.html", status, program=program,
                       chapter=chapters.get(program.get("chapter_id") or ""), default_answer_days=default_answer_days,
                       members_fixed=taken_part and "members_public" not in context.get("problems", {}), **context)


@router.get("/programs/{program_id}/settings")
async def program_settings(program_id: UUID, desk: Console, done: str | None = None) -> Response:
    program = await _program_to_change(desk, program_id)
    if program is None:
        return not_found(desk)
    return await _settings_page(desk, program, values=_shown(program), problems={}, done=done)


@router.post("/programs/{program_id}/settings")
async def change_program(program_id: UUID, desk: Console, posted: Form) -> Response:
    program = await _program_to_change(desk, program_id)
    if program is None:
        return not_found(desk)
    values, body, problems = _read(posted, program)
    values["chapter_id"] = program.get("chapter_id") or ""  # never changed: profiles takes no chapter in a change
    problems = _words(desk, problems, values)
    if not problems:
        changes = _changes(program, body)
        here = f"/console/programs/{program_id}/settings"
        if not changes:
            return desk.redirect(f"{here}?done=settings_unchanged")
        try:
            await desk.api.call("profiles", "PATCH", f"/v1/programs/{program_id}", desk.staff, json=changes)
            return desk.redirect(f"{here}?done=settings_saved")
        except ServiceError as error:
            if not _refused(error):
                raise
            problems = _service_problem(desk, error, values)
            if "members_public" in problems:  # as it stays: saved again, the other changes go through
                values["members_public"] = _members_public(program)
    return await _settings_page(desk, program, 422, values=values, problems=_in_page_order(problems))
