"""A program's mentorships (pairings with names, status, last meeting, overdue), its waitlist and feedback; stepping
in (a pair made by hand, with an override that names its reason; reassigning; ending with a reason; withdrawing a
proposal waiting for answers); rounds with
review (run a draft, see its pairs and unpaired in words, remove or swap pairs, publish or discard)."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from ..entrypoints.web import Form
from . import labels
from .core import Console, ConsoleRoute, Desk, pages, text, uuid_or_none
from .labels import C_

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)

STATUSES = ("proposed", "requested", "active", "completed", "ended", "declined", "lapsed")
PAIRINGS_PAGE = 50
MENTORS_LISTED = 200  # in a mentor picker, by name (as many as matching tells the room of at once)


def _refused(error: ServiceError, fields: tuple[str, ...] = ()) -> bool:
    """A refusal to word next to the form (not: another chapter's thing, or a service down). Not found, it is one
    only when it names one of the form's `fields` (a mentor who is none in the program), not the program itself."""
    if error.status == 404:
        return error.field is not None and error.field in fields
    return error.status != 403 and error.status < 500


async def _mentors(desk: Desk, program: dict, q: str) -> dict:
    """The program's approved mentors a picker offers (`total`, and the first MENTORS_LISTED by name), those whose
    name or email holds `q` if given; not one suspended as a mentor or awaiting approval, whom matching would refuse.
    Of the program's chapter: profiles lists a coordinator's people one chapter at a time."""
    found = await desk.api.call("profiles", "GET", "/v1/people", desk.staff,
                                params={"program_id": program["id"], "chapter_id": program.get("chapter_id"),
                                        "role": "mentor", "approval": "approved", "suspended": "false", "q": q,
                                        "limit": MENTORS_LISTED})
    return {**found, "items": await _with_room(desk, program["id"], found["items"])}


async def _with_room(desk: Desk, program_id: str, mentors: list[dict]) -> list[dict]:
    """Each mentor with the room matching says they have (`room`: capacity, live pairings, paused), so that the
    coordinator sees who is full or paused before choosing; None where matching cannot say (the program or the
    mentor not known to it yet, or matching down): the picker works without it."""
    if not mentors:
        return mentors
    try:
        rooms = await desk.api.call("matching", "GET", f"/v1/programs/{program_id}/mentors", desk.staff,
                                    params={"ids": ",".join(m["id"] for m in mentors)})
    except ServiceError as error:
        if error.status != 404 and error.status < 500:
            raise
        rooms = []
    by_person = {room["person_id"]: room for room in rooms}
    return [{**mentor, "room": by_person.get(mentor["id"])} for mentor in mentors]


async def _program_page(desk: Desk, program_id: UUID, status_filter: str = "", offset: int = 0, mentor_q: str = "",
                        status: int = 200, **context: Any) -> Response:
    api, staff = desk.api, desk.staff
    program = await api.call("profiles", "GET", f"/v1/programs/{program_id}", staff)
    offset = max(0, offset)
    pairings, waitlist, feedback, mentors, not_answering = await asyncio.gather(
        api.call("matching", "GET", f"/v1/programs/{program_id}/pairings", staff,
                 params={"status": status_filter, "offset": offset, "limit": PAIRINGS_PAGE}),
        api.call("matching", "GET", f"/v1/programs/{program_id}/waitlist", staff),
        api.call("matching", "GET", f"/v1/programs/{program_id}/feedback", staff),
        _mentors(desk, program, mentor_q),
        api.call("matching", "GET", f"/v1/programs/{program_id}/not-answering", staff))
    ids = {p[k] for p in pairings["items"] for k in ("mentee_id", "mentor_id")}
    ids |= {w["person_id"] for w in waitlist} | {m["person_id"] for m in not_answering}
    names = await desk.names(ids)
    by_pairing = {p["id"]: p for p in pairings["items"]}
    pager = pages(f"/console/programs/{program_id}", {"status": status_filter}, offset, PAIRINGS_PAGE,
                  offset + PAIRINGS_PAGE < pairings["total"], "#mentorships")
    return desk.render("console/program.html", status, program=program, pairings=pairings, waitlist=waitlist,
                       feedback=feedback, by_pairing=by_pairing, mentors=mentors, mentor_q=mentor_q, names=names,
                       not_answering=not_answering,
                       status_filter=status_filter, statuses=STATUSES, offset=offset, pager=pager, **context)


@router.get("/programs/{program_id}")
async def program(program_id: UUID, desk: Console, status: str = "", offset: int = 0, mentor_q: str = "",
                  done: str | None = None) -> Response:
    return await _program_page(desk, program_id, status if status in STATUSES else "", offset, mentor_q[:200],
                               done=done)


@router.post("/programs/{program_id}/pairings")
async def pair_by_hand(program_id: UUID, desk: Console, posted: Form) -> Response:
    mentee, mentor = uuid_or_none(posted.get("mentee_id")), uuid_or_none(posted.get("mentor_id"))
    reason, mentor_q = text(posted, "override_reason"), text(posted, "mentor_q", 200)
    values = {"mentee_id": str(mentee or ""), "mentor_id": str(mentor or ""), "override_reason": reason}
    problems = {}
    if mentee is None:
        problems["mentee_id"] = desk.error_words("choose_mentee")
    if mentor is None:
        problems["mentor_id"] = desk.error_words("choose_mentor")
    if not problems:
        try:
            await desk.api.call("matching", "POST", f"/v1/programs/{program_id}/pairings", desk.staff,
                                json={"mentee_id": str(mentee), "mentor_id": str(mentor),
                                      "override_reason": reason or None})
        except ServiceError as error:
            if not _refused(error, ("mentee_id", "mentor_id")):
                raise
            field = error.field if error.field in ("mentee_id", "mentor_id") else "override_reason"
            if error.code in labels.OVERRIDDEN_BY_A_REASON and not reason:
                field = "override_reason"  # what to fill: the two chosen are right
            problems[field] = desk.error_words(error)
    if problems:
        return await _program_page(desk, program_id, mentor_q=mentor_q, status=422, problems=problems,
                                   values=values)
    return desk.redirect(f"/console/programs/{program_id}?done=paired")


async def _pairing_page(desk: Desk, pairing_id: UUID, mentor_q: str = "", status: int = 200,
                        **context: Any) -> Response:
    pairing = await desk.api.call("matching", "GET", f"/v1/pairings/{pairing_id}", desk.staff)
    program = await desk.api.call("profiles", "GET", f"/v1/programs/{pairing['program_id']}", desk.staff)
    mentors, names = await asyncio.gather(_mentors(desk, program, mentor_q),
                                          desk.names([pairing["mentee_id"], pairing["mentor_id"]]))
    return desk.render("console/pairing.html", status, pairing=pairing, program=program, mentors=mentors,
                       mentor_q=mentor_q, names=names, **context)


@router.get("/pairings/{pairing_id}")
async def pairing(pairing_id: UUID, desk: Console, mentor_q: str = "", done: str | None = None) -> Response:
    return await _pairing_page(desk, pairing_id, mentor_q[:200], done=done)


def _one_line(typed: str) -> str:
    """A coordinator's reason as matching keeps it: on one line (a textarea lets them type several)."""
    return " ".join(typed.split())


@router.post("/pairings/{pairing_id}/reassign")
async def reassign(pairing_id: UUID, desk: Console, posted: Form) -> Response:
    """Move the mentee of an active mentorship, or of a proposal, to another mentor. The form says which it saw, so
    a proposal accepted while the coordinator chose is not ended instead: that refusal is said at the top of the
    page, which then offers what can be done now."""
    mentor, reason = uuid_or_none(posted.get("mentor_id")), text(posted, "reason")
    mentor_q = text(posted, "mentor_q", 200)
    expected = posted.get("expected_status")
    problems = {}
    said, status = None, 422
    if mentor is None:
        problems["mentor_id"] = desk.error_words("choose_mentor")
    if not reason:
        problems["reason"] = desk.error_words("reason_required")
    if not problems:
        try:
            made = await desk.api.call(
                "matching", "POST", f"/v1/pairings/{pairing_id}/reassign", desk.staff,
                json={"mentor_id": str(mentor), "reason": _one_line(reason),
                      **({"expected_status": expected} if expected in ("active", "proposed") else {})})
            return desk.redirect(f"/console/pairings/{made['id']}?done=reassigned")
        except ServiceError as error:
            if not _refused(error, ("mentor_id",)):
                raise
            if error.code == "transition_not_allowed":
                said, status = desk._(labels.CHANGED_MEANWHILE), error.status
            else:
                problems["mentor_id" if error.field == "mentor_id" else "reason"] = desk.error_words(error)
    return await _pairing_page(desk, pairing_id, mentor_q, status, problems=problems, error=said,
                               values={"mentor_id": str(mentor or ""), "reason": reason})


@router.post("/pairings/{pairing_id}/end")
async def end(pairing_id: UUID, desk: Console, posted: Form) -> Response:
    code, reason = str(posted.get("reason_code") or ""), text(posted, "end_reason")
    problems = {}
    said, status = None, 422
    if code not in labels.END_REASONS:
        problems["reason_code"] = desk.error_words("end_reason_code_required")
    if not reason:
        problems["end_reason"] = desk.error_words("end_words_required")
    if not problems and posted.get("confirm") != "yes":  # asked first, naming the two: both are emailed
        return await _pairing_page(desk, pairing_id, asking_end=True,
                                   end_values={"reason_code": code, "end_reason": reason})
    if not problems:
        try:
            await desk.api.call("matching", "POST", f"/v1/pairings/{pairing_id}/end", desk.staff,
                                json={"reason_code": code, "reason": _one_line(reason)})
            return desk.redirect(f"/console/pairings/{pairing_id}?done=ended")
        except ServiceError as error:
            if not _refused(error):
                raise
            if error.code != "transition_not_allowed":
                problems["end_reason"] = desk.error_words(error)
            else:  # ended or closed meanwhile: the form is gone from the page, so the refusal is said at its top
                said, status = desk._(labels.CHANGED_MEANWHILE), error.status
    return await _pairing_page(desk, pairing_id, status=status, problems=problems, error=said,
                               end_values={"reason_code": code, "end_reason": reason})


@router.post("/pairings/{pairing_id}/withdraw")
async def withdraw(pairing_id: UUID, desk: Console, posted: Form) -> Response:
    """Withdraw a proposal waiting for answers: a reason chosen, and words of one's own if any (audited, never shown
    to the pair; sent on one line, as matching keeps them), once confirmed. A refusal of a field is said next to it; one of the
    pairing (no longer a proposal) at the top of the page, which then offers what can be done now."""
    code, typed = str(posted.get("reason_code") or ""), text(posted, "withdraw_reason")
    reason = _one_line(typed)
    problems: dict[str, str] = {}
    said, status = None, 422
    if code not in labels.WITHDRAW_REASONS:
        problems["withdraw_code"] = desk.error_words("reason_required")
    elif posted.get("confirm") != "yes":  # asked first, with what was chosen: it cannot be taken back
        return await _pairing_page(desk, pairing_id, asking_withdraw=True,
                                   withdraw_values={"reason_code": code, "withdraw_reason": typed})
    else:
        try:
            await desk.api.call("matching", "POST", f"/v1/pairings/{pairing_id}/withdraw", desk.staff,
                                json={"reason_code": code, **({"reason": reason} if reason else {})})
            return desk.redirect(f"/console/pairings/{pairing_id}?done=withdrawn")
        except ServiceError as error:
            if not _refused(error):
                raise
            status = error.status
            if error.field in ("reason_code", "reason"):
                problems["withdraw_code" if error.field == "reason_code" else "withdraw_reason"] = desk.error_words(error)
            elif error.code == "transition_not_allowed":
                said = desk._(labels.NOT_WITHDRAWN)
            else:
                said = desk.error_words(error)
    return await _pairing_page(desk, pairing_id, status=status, problems=problems, error=said,
                               withdraw_values={"reason_code": code, "withdraw_reason": typed})


# --- rounds with review ---------------------------------------------------------------------------------------

OPEN_ROUND = ("queued", "running", "draft")  # matching runs no other round of the program meanwhile


async def _rounds_page(desk: Desk, program_id: UUID, status: int = 200, **context: Any) -> Response:
    """The program's rounds: the open one to review (or see running), else "Run a round" with what it would work
    with (how many wait, how much room the mentors have: matching's figures)."""
    program, found, figures = await asyncio.gather(
        desk.api.call("profiles", "GET", f"/v1/programs/{program_id}", desk.staff),
        desk.api.call("matching", "GET", f"/v1/programs/{program_id}/rounds", desk.staff),
        desk.api.call("matching", "GET", f"/v1/programs/{program_id}/statistics", desk.staff))
    open_round = next((r for r in found if r.get("status") in OPEN_ROUND), None)
    return desk.render("console/rounds.html", status, program=program, rounds=found, open_round=open_round,
                       figures=figures, **context)


@router.get("/programs/{program_id}/rounds")
async def rounds(program_id: UUID, desk: Console) -> Response:
    """The program's rounds; "Run a round" where pairs form in rounds (elsewhere the page says how they form)."""
    return await _rounds_page(desk, program_id)


@router.post("/programs/{program_id}/rounds")
async def run_round(program_id: UUID, desk: Console, posted: Form) -> Response:
    program = await desk.api.call("profiles", "GET", f"/v1/programs/{program_id}", desk.staff)
    if program.get("pairing_mode") != "rounds":  # not offered: a page from before the program's settings changed
        return await _rounds_page(desk, program_id, 409, error=desk._(C_("This program does not pair in rounds.")))
    try:
        started = await desk.api.call("matching", "POST", f"/v1/programs/{program_id}/rounds", desk.staff, json={})
    except ServiceError as error:
        if error.code not in ("draft_awaiting_review", "round_already_running"):
            raise
        return await _rounds_page(desk, program_id, 409, error=desk.error_words("round_open"))
    return desk.redirect(f"/console/rounds/{started.get('round_id') or started['id']}?done=round_started")


async def _round_page(desk: Desk, round_id: UUID, status: int = 200, **context: Any) -> Response:
    found = await desk.api.call("matching", "GET", f"/v1/rounds/{round_id}", desk.staff)
    program = await desk.api.call("profiles", "GET", f"/v1/programs/{found['program_id']}", desk.staff)
    pairs, unpaired = found.get("pairs") or [], found.get("unpaired") or []
    ids = {p[k] for p in pairs for k in ("mentee_id", "mentor_id")} | {u["mentee_id"] for u in unpaired}
    ids |= {s[k] for s in found.get("skipped") or () for k in ("mentee_id", "mentor_id")}
    ids |= {m["mentor_id"] for m in found.get("mentors_with_places") or ()}
    names = await desk.names(ids)
    # Once published, the pairs it proposed are those drafted but for the ones left out (`skipped`), as matching
    # counts them (`paired`); and its unpaired, as matching counts them too, take in the mentees of those, and those
    # it has no matching profile of (counted, never named).
    left_out = {(s["mentee_id"], s["mentor_id"]) for s in found.get("skipped") or ()}
    shown = [p for p in pairs if (p["mentee_id"], p["mentor_id"]) not in left_out]
    unprofiled = (found.get("unpaired_reasons") or {}).get("no_matching_profile") or 0
    unpaired_count = len(unpaired) + len(pairs) - len(shown) + unprofiled
    # A published round's figures are matching's, as its list of rounds says them: a person erased since takes
    # their pairs and places out of what is listed, not out of what the round did (they are counted, never named).
    erased = {"pairs": 0, "unpaired": 0}
    if found.get("status") == "published" and found.get("paired") is not None:
        erased["pairs"] = max(0, found["paired"] - len(shown))
        erased["unpaired"] = max(0, (found.get("unpaired_count") or 0) - unpaired_count)
        unpaired_count += erased["unpaired"]
    if context.get("done") == "round_started" and found.get("status") not in ("queued", "running"):
        context["done"] = None  # the page reloaded once the round finished: "it is running" would be stale
    template = "console/_round_progress.html" if context.get("partial") else "console/round.html"
    return desk.render(template, status, round=found, program=program, pairs=shown, unpaired=unpaired,
                       unpaired_count=unpaired_count, unprofiled=unprofiled, erased=erased, names=names, **context)


@router.get("/rounds/{round_id}")
async def a_round(round_id: UUID, desk: Console, done: str | None = None) -> Response:
    partial = desk.request.headers.get("hx-request") == "true"
    return await _round_page(desk, round_id, done=done, partial=partial)


async def _round_action(desk: Desk, round_id: UUID, method: str, path: str, body: Any, done: str) -> Response:
    try:
        await desk.api.call("matching", method, f"/v1/rounds/{round_id}{path}", desk.staff, json=body)
    except ServiceError as error:
        if not _refused(error):
            raise
        return await _round_page(desk, round_id, 422, error=desk.error_words(error))
    return desk.redirect(f"/console/rounds/{round_id}?done={done}")


@router.post("/rounds/{round_id}/pairs/{mentee_id}/remove")
async def remove_pair(round_id: UUID, mentee_id: UUID, desk: Console, posted: Form) -> Response:
    return await _round_action(desk, round_id, "DELETE", f"/pairs/{mentee_id}", None, "removed")


@router.post("/rounds/{round_id}/pairs")
async def add_pair(round_id: UUID, desk: Console, posted: Form) -> Response:
    """A mentee the draft leaves unpaired, with a mentor who has room: a pair removed by mistake put back (matching
    makes it the engine's again), or one made by hand, for the mentee to confirm."""
    mentee, mentor = uuid_or_none(posted.get("mentee_id")), uuid_or_none(posted.get("mentor_id"))
    chosen = {"mentee_id": str(mentee or ""), "mentor_id": str(mentor or "")}
    problems = {f"add_{name}": desk.error_words(code) for name, code, given in
                (("mentee_id", "choose_unpaired_mentee", mentee), ("mentor_id", "choose_mentor", mentor))
                if given is None}
    if not problems:
        try:
            await desk.api.call("matching", "POST", f"/v1/rounds/{round_id}/pairs", desk.staff, json=chosen)
            return desk.redirect(f"/console/rounds/{round_id}?done=pair_added")
        except ServiceError as error:
            if not _refused(error, ("mentee_id", "mentor_id")):
                raise
            if error.field not in chosen:  # of the round (published meanwhile): said at the top
                return await _round_page(desk, round_id, 422, error=desk.error_words(error))
            words = desk.error_words(error)
            if error.code in labels.SWAP_RULES:  # worded for a draft: no reason to override with here
                named = await desk.names([chosen["mentee_id"]])
                words = desk._(labels.ADD_REFUSED) % {"name": named.get(chosen["mentee_id"], desk._(labels.UNKNOWN)),
                                                      "rule": desk._(labels.SWAP_RULES[error.code])}
            problems[f"add_{error.field}"] = words
    return await _round_page(desk, round_id, 422, problems=problems, add_values=chosen)


@router.post("/rounds/{round_id}/swap")
async def swap(round_id: UUID, desk: Console, posted: Form) -> Response:
    a, b = uuid_or_none(posted.get("mentee_a")), uuid_or_none(posted.get("mentee_b"))
    chosen = {"mentee_a": str(a or ""), "mentee_b": str(b or "")}
    # Each empty choice is said next to its select and, linked, in the summary at the top (the form is far down).
    problems = {name: desk.error_words(code) for name, code, given in
                (("mentee_a", "choose_first_mentee", a), ("mentee_b", "choose_second_mentee", b)) if given is None}
    if problems:
        return await _round_page(desk, round_id, 422, problems=problems, swap_values=chosen)
    if a == b:
        words = desk.error_words("choose_two_mentees")
        return await _round_page(desk, round_id, 422, swap_error=words, problems={"swap": words}, swap_values=chosen)
    try:
        await desk.api.call("matching", "POST", f"/v1/rounds/{round_id}/swap", desk.staff, json=chosen)
    except ServiceError as error:
        if not _refused(error):
            raise
        words = desk.error_words(error)
        if error.code in labels.SWAP_RULES and error.field in chosen:
            named = await desk.names([chosen[error.field]])
            words = desk._(labels.SWAP_REFUSED) % {"name": named.get(chosen[error.field], desk._(labels.UNKNOWN)),
                                                   "rule": desk._(labels.SWAP_RULES[error.code])}
        return await _round_page(desk, round_id, 422, swap_error=words, problems={"swap": words}, swap_values=chosen)
    return desk.redirect(f"/console/rounds/{round_id}?done=swapped")


@router.post("/rounds/{round_id}/{action}")
async def publish_or_discard(round_id: UUID, action: str, desk: Console, posted: Form) -> Response:
    if action not in ("publish", "discard"):
        return desk.render("console/not_found.html", 404)
    if action == "discard" and posted.get("confirm") != "yes":  # asked first: its swaps and removals are lost
        return await _round_page(desk, round_id, asking_discard=True)
    return await _round_action(desk, round_id, "POST", f"/{action}", None,
                               "published" if action == "publish" else "discarded")
