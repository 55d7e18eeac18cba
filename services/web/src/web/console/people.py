"""Participants (search and filter, a person's page), suspending and reinstating a person, the vetting queue, and
inviting in bulk from a CSV file (preview, confirm, then one invitation email per newly invited person)."""

from __future__ import annotations

import asyncio
import csv as csv_module  # `csv` names the file's text here
import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.rendering import LANGUAGES
from ..adapters.services import ServiceError
from ..domain.sign_in import SignInLink, digest, new_secret
from ..domain.words import letters_and_digits
from ..entrypoints import labels as participant_labels
from ..entrypoints.web import Form
from . import labels
from .core import Console, ConsoleRoute, Desk, event_titles, pages, text, uuid_or_none
from .deliveries import not_arrived
from .labels import C_

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
NOTE_LIMIT = 500  # profiles' own (Note): a longer note is refused next to it, never cut

PAGE = 25  # people, and mentors to approve
EMAILS_SHOWN = 20  # on a person's page, newest first
INVITATION_DAYS = 7
CSV_LIMIT = 262_144


@router.get("")
async def home(desk: Console, done: str | None = None) -> Response:
    every_program, chapters = await asyncio.gather(desk.every_program(), desk.chapters())
    programs = desk.runs(every_program)
    attention = await _needs_attention(desk, programs, chapters, every_program)
    return desk.render("console/home.html", programs=programs, chapters=chapters, attention=attention,
                       programs_by_id={p["id"]: p for p in every_program}, done=done)


async def _needs_attention(desk: Desk, programs: list[dict], chapters: list[dict],
                           every_program: list[dict]) -> dict[str, Any] | None:
    """What awaits the staff member, for someone between shifts: people reported for a problem of conduct (mentors
    back in the vetting queue, mentees held from new pairings), mentors to approve and people who stopped answering
    (by program), draft rounds to review, mentees waiting (by program), emails that did not arrive. None when a
    service does not answer: the rest of the page still shows. What profiles counts of the staff member's people
    (the vetting queue, mentees held) is said of every program it names, a national one too (a coordinator approves
    their chapter's mentors in it); what matching counts, of the `programs` they run."""
    try:
        # One call each, whatever the number of programs: a national administrator's home has hundreds.
        awaiting, held, undelivered, drafts, not_answering, waiting = await asyncio.gather(
            _mentors_awaiting_approval(desk),
            desk.api.call("profiles", "GET", "/v1/enrollments/counts", desk.staff, params=MENTEES_HELD_FOR_REVIEW),
            not_arrived(desk, chapters),
            desk.api.call("matching", "GET", "/v1/rounds", desk.staff, params={"status": "draft"}),
            desk.api.call("matching", "GET", "/v1/not-answering", desk.staff),
            desk.api.call("matching", "GET", "/v1/waiting", desk.staff))
    except ServiceError as error:
        if error.status < 500:
            raise
        return None
    # One reported is no routine approval: approved again from the list, they would mentor again unlooked-into.
    reported = Counter(e["program_id"] for e in awaiting if e.get("review_reason") == "conduct_reported")
    to_approve = Counter(e["program_id"] for e in awaiting if e.get("review_reason") != "conduct_reported")
    # Since when the longest-waiting mentor of each program waits (an older profiles says nothing of it).
    waited_longest: dict[str, datetime] = {}
    for e in awaiting:
        if e.get("review_reason") != "conduct_reported" and e.get("enrolled_at"):
            joined = datetime.fromisoformat(e["enrolled_at"])
            waited_longest[e["program_id"]] = min(joined, waited_longest.get(e["program_id"], joined))
    stopped_answering = {found["program_id"]: found["people"] for found in not_answering}
    mentees_held = {found["program_id"]: found["count"] for found in held}
    mentees_waiting = {found["program_id"]: found["mentees"] for found in waiting}
    return {"to_look_into": [(p, reported[p["id"]]) for p in every_program if p["id"] in reported],
            "mentees_held": [(p, mentees_held[p["id"]]) for p in every_program if p["id"] in mentees_held],
            "to_approve": [(p, to_approve[p["id"]], waited_longest.get(p["id"])) for p in every_program
                           if p["id"] in to_approve],
            "drafts": drafts,
            "not_answering": [(p, stopped_answering[p["id"]]) for p in programs if p["id"] in stopped_answering],
            # For a round to pair, or (pairing as people register) for mentors with room.
            "waiting": [(p, mentees_waiting[p["id"]]) for p in programs if p["id"] in mentees_waiting],
            "emails": len(undelivered.deliveries), "more_emails": undelivered.more}


QUEUE_READ = 500  # profiles' largest page of the vetting queue
# Mentees whose mentor ended their mentorship for a problem of conduct: paused until a coordinator clears the review.
# (A mentee's enrollment is approved as it is made: only a mentor's awaits approval.)
MENTEES_HELD_FOR_REVIEW = {"role": "mentee", "approval": "approved", "under_review": "true"}


async def _mentors_awaiting_approval(desk: Desk) -> list[dict]:
    """Every mentor awaiting approval in the staff member's chapters (in every program, national ones too). The queue
    itself, not its counts by program:
    only its enrollments say which are back in it for a report of conduct (`review_reason`). One call, unless more
    than a page of mentors wait."""
    def page(offset: int) -> Any:
        return desk.api.call("profiles", "GET", "/v1/enrollments", desk.staff,
                             params={"role": "mentor", "approval": "pending", "offset": offset, "limit": QUEUE_READ})

    first = await page(0)
    rest = await asyncio.gather(*(page(offset) for offset in range(QUEUE_READ, first["total"], QUEUE_READ)))
    return [e for found in (first, *rest) for e in found["items"]]


# --- participants -------------------------------------------------------------------------------------------

@router.get("/people")
async def people(desk: Console, q: str = "", chapter_id: str = "", stage: str = "", role: str = "",
                 program_id: str = "", approval: str = "", suspended: str = "", alumni: str = "",
                 under_review: str = "", offset: int = 0, done: str | None = None) -> Response:
    filters = {"q": q[:200], "chapter_id": desk.chapter_listed(chapter_id),
               "stage": stage if stage in participant_labels.STAGES else "",
               "role": role if role in ("mentor", "mentee") else "", "program_id": str(uuid_or_none(program_id) or ""),
               "approval": approval if approval in ("pending", "approved", "suspended") else "",
               "suspended": suspended if suspended in ("true", "false") else "",
               "alumni": "true" if alumni == "true" else "",
               "under_review": "true" if under_review == "true" else ""}
    offset = max(0, offset)
    found, every_program, chapters = await asyncio.gather(
        desk.api.call("profiles", "GET", "/v1/people", desk.staff,
                      params={**filters, "offset": offset, "limit": PAGE}),
        desk.every_program(), desk.chapters())
    keep = urlencode({k: v for k, v in filters.items() if v})
    return desk.render("console/people.html", found=found, filters=filters, offset=offset, page=PAGE, keep=keep,
                       programs={p["id"]: p for p in every_program}, offered=_offered(desk, every_program),
                       chapters={c["id"]: c for c in chapters}, done=done)


def _offered(desk: Desk, every_program: list[dict]) -> list[dict]:
    """The programs a list of the staff member's people is filtered by: those they run, and the national ones (their
    chapter's people take part in them too: mentors awaiting their approval, mentees held for their review)."""
    return [p for p in every_program if p.get("chapter_id") is None or desk.staff.coordinates(p["chapter_id"])]


async def person_page(desk: Desk, person_id: UUID, status: int = 200, **context: Any) -> Response:
    api, staff = desk.api, desk.staff
    person, enrollments, every_program, chapters = await asyncio.gather(
        api.call("profiles", "GET", f"/v1/people/{person_id}", staff),
        api.call("profiles", "GET", f"/v1/people/{person_id}/enrollments", staff),
        api.call("profiles", "GET", "/v1/programs", staff), desk.chapters())
    # Those the staff member runs, to act on; every one by name (a national program's is no secret to a coordinator).
    programs = [p for p in every_program if staff.coordinates(p.get("chapter_id"))]
    pairings: list[dict] | None
    try:
        pairings = await api.call("matching", "GET", f"/v1/people/{person_id}/pairings", staff)
    except ServiceError as error:
        if error.status >= 500:
            raise
        pairings = None  # matching does not show them to this staff member
    deliveries, invitations, said = await asyncio.gather(_emails_to(desk, person), _invitations_of(desk, person_id),
                                                         _what_emails_said(desk, person_id))
    roles = None
    if staff.administrator:
        roles = await api.call("profiles", "GET", f"/v1/people/{person_id}/roles", staff)
    # A coordinator sees the pairings of the programs they run: those of the others the person is in (a national
    # program's) are named, not left to read as none.
    program_names, run = {p["id"]: p["name"] for p in every_program}, {p["id"] for p in programs}
    programs_not_run = sorted({program_names[e["program_id"]] for e in enrollments
                               if e["program_id"] not in run and e["program_id"] in program_names})
    partners = {p["mentor_id"] if p["mentee_id"] == str(person_id) else p["mentee_id"] for p in pairings or ()}
    suspended_by = (person.get("suspension") or {}).get("suspended_by")
    names = await desk.names(partners | ({suspended_by} if suspended_by else set()))
    return desk.render("console/person.html", status, person=person, enrollments=enrollments, pairings=pairings,
                       deliveries=deliveries, about=await _emails_about(desk, deliveries or [], said, chapters),
                       invitations=invitations, names=names, roles=roles,
                       programs={p["id"]: p for p in programs}, program_names=program_names,
                       programs_not_run=programs_not_run,
                       chapters={c["id"]: c for c in chapters}, all_chapters=chapters, **context)


async def _emails_to(desk: Desk, person: dict) -> list[dict] | None:
    """The person's last emails and what became of them ("I never got it": sent, so their spam folder), or None
    when notifications does not show them to this staff member (a coordinator, for a person of no chapter)."""
    # A coordinator's log is of their chapter's emails; an administrator's, every email of the person (one about
    # another chapter, as being made its coordinator, included).
    chapter = {} if desk.staff.administrator else {"chapter_id": person.get("chapter_id")}
    try:
        return await desk.api.call("notifications", "GET", "/v1/deliveries", desk.staff,
                                   params={"person_id": person["id"], **chapter, "limit": EMAILS_SHOWN})
    except ServiceError as error:
        if error.status >= 500:
            raise
        return None


INBOX_READ = 50  # the person's newest messages: what their newest emails (EMAILS_SHOWN) were about


async def _what_emails_said(desk: Desk, person_id: UUID) -> dict[str, dict]:
    """What the person's newest emails were about (their parameters: an event's id, a staff role), by email. The
    delivery log says ids, kinds, times and statuses only; the person's inbox, the same messages, says what each was
    about, and notifications shows it to an administrator (to help the person), never to a coordinator: for them,
    nothing (their emails are said by kind)."""
    if not desk.staff.administrator:
        return {}
    try:
        inbox = await desk.api.call("notifications", "GET", f"/v1/people/{person_id}/inbox", desk.staff,
                                    params={"limit": INBOX_READ})
    except ServiceError as error:
        if error.status not in (403, 404) and error.status < 500:
            raise
        return {}  # the emails are still listed, by kind
    return {item["id"]: item.get("parameters") or {} for item in inbox.get("items", [])}


async def _emails_about(desk: Desk, deliveries: list[dict], said: dict[str, dict],
                        chapters: list[dict]) -> dict[str, dict[str, str | None]]:
    """Each email in words, by its id: its kind, or which staff role it gave or took away; and the event it was about
    (its id and title, for its page) where its parameters name one events still shows."""
    events = await event_titles(desk, {found for d in deliveries
                                       if (found := uuid_or_none(said.get(d["id"], {}).get("scheduled_event_id")))})
    chapter_names = {c["id"]: c["name"] for c in chapters}
    about: dict[str, dict[str, str | None]] = {}
    for d in deliveries:
        parameters = said.get(d["id"], {})
        role, granted = parameters.get("role"), parameters.get("granted")
        role_words = labels.STAFF_ROLE_EMAILS.get((role, granted)) if (
            isinstance(role, str) and isinstance(granted, bool)) else None
        if d["kind"] == "staff_role_changed" and role_words:
            words = desk._(role_words, chapter=chapter_names.get(d.get("chapter_id")) or desk._(C_("a chapter")))
        else:
            words = desk._(labels.EMAIL_KINDS[d["kind"]]) if d["kind"] in labels.EMAIL_KINDS else d["kind"]
        event_id = str(uuid_or_none(parameters.get("scheduled_event_id")))
        about[d["id"]] = {"words": words, "event_id": event_id if event_id in events else None,
                          "title": events.get(event_id)}
    return about


async def _invitations_of(desk: Desk, person_id: UUID) -> list[dict]:
    """The programs the person was invited to, and whether they joined: none when profiles does not show them to
    this staff member."""
    try:
        return await desk.api.call("profiles", "GET", f"/v1/people/{person_id}/invitations", desk.staff)
    except ServiceError as error:
        if error.status >= 500:
            raise
        return []


@router.get("/people/{person_id}")
async def person(person_id: UUID, desk: Console, done: str | None = None) -> Response:
    return await person_page(desk, person_id, done=done)


@router.post("/people/{person_id}/invitations/{invitation_id}/again")
async def invite_again(person_id: UUID, invitation_id: UUID, desk: Console) -> Response:
    """Someone invited who says they never got it: a new sign-in link to the form to join, by email, in their
    language (the first one still works until it expires)."""
    person, invitations = await asyncio.gather(
        desk.api.call("profiles", "GET", f"/v1/people/{person_id}", desk.staff), _invitations_of(desk, person_id))
    invitation = next((i for i in invitations if i["invitation_id"] == str(invitation_id)
                       and i["status"] == "pending"), None)
    if invitation is None:
        return desk.render("console/not_found.html", 404)
    program = await _program(desk, UUID(invitation["program_id"]))
    if not desk.staff.coordinates(program.get("chapter_id")):
        return desk.render("console/not_found.html", 404)
    sent = await send_invitations(desk, program, invitation["role"], [{**person, "person_id": person["id"]}])
    return desk.redirect(f"/console/people/{person_id}?done={'invitation_sent_again' if sent else 'not_sent'}")


# How asking for a sign-in link to confirm it is them went (`/account/confirm-it-is-you` says it by `done`).
CONFIRMING = ("sign_in_link_sent", "too_many_sign_in_links", "sign_in_email_not_sent")


def _recent(desk: Desk) -> bool:
    """Erasing someone asks for a recent sign-in, as erasing one's own account does: a console left open on a
    shared computer must not end anyone's account."""
    session = desk.visitor.session
    return session is not None and session.recently_signed_in(datetime.now(UTC))


@router.get("/people/{person_id}/erase")
async def erase_page(person_id: UUID, desk: Console, done: str | None = None) -> Response:
    """An administrator erases someone who asked and cannot do it themselves (My data): what it does is said first,
    and their address is typed to be sure it is them (the POST does it)."""
    if not desk.staff.administrator:
        return desk.render("console/not_found.html", 404)
    person = await desk.api.call("profiles", "GET", f"/v1/people/{person_id}", desk.staff)
    done = done if done in CONFIRMING else None
    return desk.render("console/erase_person.html", person=person, values={}, problems={}, recent=_recent(desk),
                       done=done, confirm_error=desk.error_words(done) if done and done != CONFIRMING[0] else None)


@router.post("/people/{person_id}/erase")
async def erase(person_id: UUID, desk: Console, posted: Form) -> Response:
    if not desk.staff.administrator:
        return desk.render("console/not_found.html", 404)
    person = await desk.api.call("profiles", "GET", f"/v1/people/{person_id}", desk.staff)
    if not _recent(desk):  # a form left open, or crafted: nothing is erased
        return desk.render("console/erase_person.html", 403, person=person, values={}, problems={}, recent=False,
                           confirm_refused=True)
    typed = text(posted, "email", 320)
    if typed.casefold() != str(person.get("email") or "").casefold():
        return desk.render("console/erase_person.html", 422, person=person, values={"email": typed}, recent=True,
                           problems={"email": desk._(C_("Type the address of the person to erase, as it is shown above."))})
    await desk.api.call("profiles", "DELETE", f"/v1/people/{person_id}", desk.staff)
    return desk.redirect("/console/people?done=erased")


@router.post("/people/{person_id}/{action}")
async def suspend_or_reinstate(person_id: UUID, action: str, desk: Console, posted: Form) -> Response:
    if action not in ("suspend", "reinstate"):
        return desk.render("console/not_found.html", 404)
    note = text(posted, "note", 4 * NOTE_LIMIT)  # whole: one over profiles' limit is refused, not cut
    values = {"note": note}
    if action == "suspend" and not note:
        return await person_page(desk, person_id, 422, problems={"note": desk.error_words("reason_required")},
                                 values=values)
    if len(note) > NOTE_LIMIT:
        return await person_page(desk, person_id, 422, values=values,
                                 problems={"note": desk._(labels.NOTE_TOO_LONG, limit=NOTE_LIMIT, count=len(note))})
    try:
        await desk.api.call("profiles", "POST", f"/v1/people/{person_id}/{action}", desk.staff, json={"note": note})
    except ServiceError as error:
        if error.status == 403 and error.field == "person_id":
            # The person is theirs to see, but this is an administrator's call: said, not "not found".
            reason = labels.ADMINISTRATORS_CALL.get(error.message, labels.ADMINISTRATORS_CALL_OTHERWISE)
            return await person_page(desk, person_id, 403, problems={"note": desk._(reason)}, values=values)
        if error.status in (403, 404) or error.status >= 500:
            raise
        return await person_page(desk, person_id, 422, problems={"note": desk.error_words(error)}, values=values)
    return desk.redirect(f"/console/people/{person_id}?done={'suspended' if action == 'suspend' else 'reinstated'}")


# --- vetting --------------------------------------------------------------------------------------------------

async def _vetting_page(desk: Desk, program_id: str, offset: int = 0, status: int = 200,
                        **context: Any) -> Response:
    program_id = str(uuid_or_none(program_id) or "")
    offset = max(0, offset)
    found, every_program = await asyncio.gather(
        desk.api.call("profiles", "GET", "/v1/enrollments", desk.staff,
                      params={"program_id": program_id, "role": "mentor", "approval": "pending", "offset": offset,
                              "limit": PAGE}),
        desk.every_program())
    pager = pages("/console/vetting", {"program_id": program_id}, offset, PAGE, offset + PAGE < found["total"])
    # The queue holds the staff member's mentors in national programs too: each card names its program and warns of
    # minors from every program profiles lists, and the filter offers the national ones beside those they run.
    return desk.render("console/vetting.html", status, found=found, program_id=program_id, pager=pager,
                       programs={p["id"]: p for p in every_program}, offered=_offered(desk, every_program),
                       people=await _mentors_waiting(desk, program_id, found["items"], offset), **context)


DIRECTORY_PAGE = 500  # profiles' largest page of people


async def _mentors_waiting(desk: Desk, program_id: str, waiting: list[dict], offset: int) -> dict[str, dict]:
    """The people of a page of mentors awaiting approval, by id: their stage and specialties, which the vetting
    list does not carry. Asked of the directory filtered as the queue is (mentors awaiting approval), which lists
    them by name too: one call for the page, not one a card. A person has at least one such enrollment, so the
    page's people are at or before its place in the queue; the window reaches far enough back for any but hundreds
    of offers from the people before them. A coordinator of several chapters names one a call (profiles asks it):
    one per chapter on the page. A person the window misses shows no more than before."""
    if not waiting:
        return {}
    wanted = {e["person_id"] for e in waiting}
    staff = desk.staff
    chapters: list[str | None] = [None]
    if not staff.administrator and len(staff.coordinator_of) > 1:
        chapters = sorted({e["chapter_id"] for e in waiting if e.get("chapter_id")})
    start = 0 if chapters != [None] else max(0, offset + 2 * PAGE - DIRECTORY_PAGE)
    answers = await asyncio.gather(*(desk.api.call(
        "profiles", "GET", "/v1/people", staff,
        params={"role": "mentor", "approval": "pending", "program_id": program_id, "chapter_id": chapter,
                "offset": start, "limit": DIRECTORY_PAGE}) for chapter in chapters))
    return {p["id"]: p for answer in answers for p in answer["items"] if p["id"] in wanted}


@router.get("/vetting")
async def vetting(desk: Console, program_id: str = "", offset: int = 0, done: str | None = None) -> Response:
    return await _vetting_page(desk, program_id, offset, done=done)


@router.post("/enrollments/{enrollment_id}/{action}")
async def approve_or_suspend(enrollment_id: UUID, action: str, desk: Console, posted: Form) -> Response:
    """Approve or suspend (decline) a mentor, from the queue or their page; or resume, from their page, a mentee held
    for a report of conduct once it is looked into (`clear-review`)."""
    if action not in ("approve", "suspend", "clear-review"):
        return desk.render("console/not_found.html", 404)
    note = text(posted, "note", 4 * NOTE_LIMIT)  # whole: one over profiles' limit is refused, not cut
    back = str(uuid_or_none(posted.get("program_id")) or "")
    person_id = uuid_or_none(posted.get("person_id"))  # from the person's page: back to it
    error = None
    # Declining from the queue emails the mentor and takes them off it: asked first, with the note kept.
    asking = action == "suspend" and person_id is None and posted.get("confirm") != "yes"
    if action == "suspend" and not note:
        error = desk.error_words("reason_required")
    elif len(note) > NOTE_LIMIT:
        error = desk._(labels.NOTE_TOO_LONG, limit=NOTE_LIMIT, count=len(note))
    elif asking:
        name = text(posted, "name", 200)
        if desk.visitor.request.headers.get("hx-request") == "true":
            question = desk.render("console/_vetting_ask.html", e={"id": str(enrollment_id), "display_name": name},
                                   program_id=back, note=note)
            question.headers.update({"HX-Retarget": f"#vf-{enrollment_id}", "HX-Reswap": "outerHTML"})
            return question
        return await _vetting_page(desk, back, asking={str(enrollment_id): note})
    else:
        try:
            await desk.api.call("profiles", "POST", f"/v1/enrollments/{enrollment_id}/{action}", desk.staff,
                                json={"note": note} if note else {})
        except ServiceError as failed:
            if failed.status in (403, 404) or failed.status >= 500:
                raise
            error = desk.error_words(failed)
    # From the queue, a mentor awaiting approval is declined (profiles suspends the enrollment, and the mentor is
    # told they were not approved); from their page, an approved one is suspended.
    done = {"approve": "approved", "clear-review": "review_cleared"}.get(
        action, "suspended" if person_id is not None else "declined")
    if person_id is not None:
        if error:
            return await person_page(desk, person_id, 422, mentor_problems={str(enrollment_id): error},
                                     mentor_notes={str(enrollment_id): note})
        return desk.redirect(f"/console/people/{person_id}?done={done}")
    problems, values = {str(enrollment_id): error}, {str(enrollment_id): note}
    if desk.visitor.request.headers.get("hx-request") == "true":
        name = text(posted, "name", 200)
        if error:
            # The card's form again, the error by the note: htmx swaps the form (a 2xx: htmx swaps no 4xx).
            form = desk.render("console/_vetting_form.html", e={"id": str(enrollment_id), "display_name": name},
                               program_id=back, problems=problems, values=values)
            form.headers.update({"HX-Retarget": f"#vf-{enrollment_id}", "HX-Reswap": "outerHTML"})
            return form
        # The page's number waiting, again: it said as many as before the approval (the card alone was swapped).
        waiting = await desk.api.call("profiles", "GET", "/v1/enrollments", desk.staff,
                                      params={"program_id": back, "role": "mentor", "approval": "pending",
                                              "limit": 1})
        return desk.render("console/_vetted.html", enrollment_id=enrollment_id, done=done, name=name,
                           total=waiting["total"])
    if error:
        return await _vetting_page(desk, back, status=422, problems=problems, values=values)
    return desk.redirect(f"/console/vetting?done={done}" + (f"&program_id={back}" if back else ""))


# --- inviting in bulk -----------------------------------------------------------------------------------------

async def _program(desk: Desk, program_id: UUID) -> dict:
    return await desk.api.call("profiles", "GET", f"/v1/programs/{program_id}", desk.staff)


@router.get("/programs/{program_id}/invite")
async def invite_page(program_id: UUID, desk: Console) -> Response:
    program = await _program(desk, program_id)
    if not desk.staff.coordinates(program.get("chapter_id")):
        return desk.render("console/not_found.html", 404)
    # No role is chosen for them: a hurried coordinator uploading mentees would otherwise invite them as mentors.
    return desk.render("console/invite.html", program=program, role=None)


class SpreadsheetNotCsv(Exception):
    """An uploaded file is a spreadsheet's own format (Excel's, or a zip of one), not the text of a CSV file."""


# How a spreadsheet's own file begins: an .xlsx or .ods is a zip; an old .xls, a Compound File.
SPREADSHEET_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


async def _csv_of(posted) -> str | None:
    upload = posted.get("file")
    if upload is not None and not isinstance(upload, str) and getattr(upload, "filename", None):
        raw = await upload.read(CSV_LIMIT + 1)
        if raw.startswith(SPREADSHEET_SIGNATURES) or b"\x00" in raw[:4096]:
            raise SpreadsheetNotCsv(upload.filename)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:  # Excel on Windows saves "CSV (Comma delimited)" in Windows-1252
            return raw.decode("cp1252", errors="replace")
    pasted = str(posted.get("csv") or "")
    return pasted if pasted.strip() else None


def _stage_codes(desk: Desk) -> dict[str, str]:
    """Each training stage by what a coordinator's spreadsheet may call it: its code, or its name in English or
    Spanish, with or without what the name adds in brackets ('Undergraduate')."""
    known: dict[str, str] = {}
    for code, label in participant_labels.STAGES.items():
        for language in LANGUAGES:
            named = desk.renderer.gettext(language, label)
            for words in (code, named, named.split(" (")[0]):
                known[letters_and_digits(words)] = code
    return known


def _separator(text: str) -> str:
    """What separates the file's columns, judged by its first line: commas, or what a spreadsheet saved instead
    (semicolons where the comma is a decimal mark, as Excel does in Spanish; tabs)."""
    first = text.lstrip("\ufeff").partition("\n")[0]
    return "," if "," in first else max((",", ";", "\t"), key=first.count)  # a tie (none of them): commas


# The columns of a file, by what a spreadsheet's header may call them (in English or Spanish, in any case, with or
# without spaces, accents and hyphens: "E-mail", "Correo electrónico").
COLUMN_NAMES = {"name": "name", "fullname": "name", "nombre": "name", "nombrecompleto": "name",
                "email": "email", "emailaddress": "email", "correo": "email", "correoelectronico": "email",
                "stage": "stage", "trainingstage": "stage", "etapa": "stage", "etapadeformacion": "stage",
                "language": "language", "idioma": "language"}
REQUIRED_COLUMNS = ("name", "email", "stage")
# A column missing, said in the reader's language, by a name the header may give it.
MISSING_COLUMN = {"name": C_("a column name"), "email": C_("a column email"), "stage": C_("a column stage")}


def _rows(text: str) -> list[list[str]] | None:
    """The file's rows, by its separator; None when the csv module cannot read it (profiles then says so)."""
    try:
        return list(csv_module.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=_separator(text)))
    except csv_module.Error:
        return None


def _header(row: list[str]) -> list[str]:
    """A header row's cells as the columns they name (a cell naming none kept, lower-cased, for profiles)."""
    return [COLUMN_NAMES.get(letters_and_digits(cell), cell.strip().lower()) for cell in row]


def _header_problem(desk: Desk, text: str) -> str | None:
    """What is wrong with the file's first line, said of the file as a whole: it holds a person rather than the
    columns' names, or it lacks one of the columns (named, with those it has)."""
    rows = _rows(text)
    if not rows:
        return None
    first = [cell.strip() for cell in rows[0] if cell.strip()]
    columns = _header(rows[0])
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if not missing:
        return None
    if any("@" in cell for cell in first):
        return desk._(C_("The first line names the columns, and yours holds a person: add the line name,email,stage "
                         "above the people."))
    named = ", ".join(first) or "—"
    needed = ", ".join(desk._(MISSING_COLUMN[c]) for c in missing)
    return desk._(C_("The first line names the columns. Yours names %(found)s; it also needs %(missing)s.")) % {
        "found": named, "missing": needed}


def _as_profiles_reads(desk: Desk, text: str) -> str:
    """The file as profiles reads it: separated by commas, its header naming the columns by their codes, each stage
    it names in words written as its code; anything else as it was (profiles says what is wrong with it)."""
    rows = _rows(text)
    if rows is None:
        return text
    if rows:
        rows[0] = _header(rows[0])
    header = rows[0] if rows else []
    column, codes = (header.index("stage") if "stage" in header else None), _stage_codes(desk)
    out = io.StringIO()
    writer = csv_module.writer(out, lineterminator="\n")
    for number, row in enumerate(rows):
        if number and column is not None and column < len(row) and (
                code := codes.get(letters_and_digits(row[column]))):
            row[column] = code
        writer.writerow(row)
    return out.getvalue()


def _file_problem(desk: Desk, csv: str | None) -> str | None:
    """What is wrong with the file as a whole, before profiles reads its people: none given, too large, its first
    line no header of the columns, or no one below it."""
    if csv is None:
        return desk.error_words("choose_file")
    if len(csv) > CSV_LIMIT:
        return desk._(C_("This file is too large: at most 1000 rows."))
    if header_problem := _header_problem(desk, csv):
        return header_problem
    if sum(1 for line in csv.splitlines() if line.strip()) < 2:  # its header alone (as the form first offers it)
        return desk.error_words("no_one_in_file")
    return None


@router.post("/programs/{program_id}/invite")
async def invite(program_id: UUID, desk: Console, posted: Form) -> Response:
    """`step` preview (the default): check every row; `step` confirm: invite the valid rows, then mail them."""
    program = await _program(desk, program_id)
    if not desk.staff.coordinates(program.get("chapter_id")):  # as its page: not even its name is answered
        return desk.render("console/not_found.html", 404)
    role = str(posted.get("role") or "")
    problems = {}
    if role not in ("mentor", "mentee"):
        problems["role"] = desk.error_words("choose_role")
    try:
        csv = await _csv_of(posted)
        file_problem = _file_problem(desk, csv)
    except SpreadsheetNotCsv:
        csv, file_problem = None, desk._(C_("This is a spreadsheet's own file, not a CSV file. In your spreadsheet, "
                                            "save it as CSV (in Excel: File, Save As, CSV UTF-8), then choose that "
                                            "file."))
    if file_problem:
        problems["file"] = file_problem
    if problems:  # what was typed or uploaded is given back, to mend (not a file too large to show)
        return desk.render("console/invite.html", 422, program=program, role=role, problems=problems,
                           csv=csv if csv is not None and len(csv) <= CSV_LIMIT else None)
    assert csv is not None
    # Someone new whose row names no language is registered in the console's, which their invitation is written in.
    # The file is given back as it was typed; profiles reads it with commas, and its stages' codes.
    body = {"program_id": str(program_id), "role": role, "csv": _as_profiles_reads(desk, csv),
            "language": desk.language}
    if posted.get("step") != "confirm":
        try:
            preview = await desk.api.call("profiles", "POST", "/v1/invitations/preview", desk.staff, json=body)
        except ServiceError as error:
            if error.status in (403, 404) or error.status >= 500:
                raise
            return desk.render("console/invite.html", 422, program=program, role=role, csv=csv,
                               problems={"file": desk.error_words(error)})
        return desk.render("console/invite_preview.html", program=program, role=role, csv=csv, preview=preview)
    try:
        result = await desk.api.call("profiles", "POST", "/v1/invitations", desk.staff, json=body)
    except ServiceError as error:
        if error.status in (403, 404) or error.status >= 500:
            raise
        return desk.render("console/invite.html", 422, program=program, role=role, csv=csv,
                           problems={"file": desk.error_words(error)})
    sent = await send_invitations(desk, program, role, result["invited"])
    return desk.render("console/invite_done.html", program=program, role=role, result=result, sent=sent,
                       left_out=await _lines_left_out(desk, body) if result["invalid"] else [])


async def _lines_left_out(desk: Desk, body: dict) -> list[dict] | None:
    """The lines of a file just invited from that profiles left out, each with its problems, to mend and upload
    again: profiles' invitation answers how many, its preview of the same file which (what left them out does not
    change by inviting the others). None when it does not answer: the invitations went, and how many were left out
    is still said."""
    try:
        preview = await desk.api.call("profiles", "POST", "/v1/invitations/preview", desk.staff, json=body)
    except ServiceError:
        return None
    return [row for row in preview["rows"] if not row["valid"]]


async def send_invitations(desk: Desk, program: dict, role: str, invited: list[dict]) -> int:
    """One email per newly invited person, in their language, with a sign-in link valid for a week (the web's own
    sign-in links: only its digest is kept), which leads to the form to join with the program and role chosen;
    each link is the invited person's (`person_id`), so that erasing them forgets it. Returns how many the mail
    server took."""
    state = desk.request.app.state
    settings = state.settings
    now = datetime.now(UTC)
    links = [(person, new_secret()) for person in invited]
    joining = {"program_id": program["id"], "role": role}
    uow = state.new_unit_of_work()
    async with uow:
        for person, secret in links:
            await uow.links.add(SignInLink(digest(secret), person["email"], now + timedelta(days=INVITATION_DAYS),
                                           back_to=f"/sign-up/enrol?{urlencode(joining)}",
                                           person_id=UUID(person["person_id"])))
        await uow.commit()
    base = settings.public_base_url.rstrip("/")
    sent = 0
    for person, secret in links:
        language = person.get("preferred_language") or desk.language
        language = language if language in ("en", "es") else "en"
        # The page it opens reads in their language, as every email's links ask (`lang`).
        context = {"url": f"{base}/sign-in/{secret}?{urlencode({'lang': language})}",
                   "name": person.get("display_name") or "", "program": program["name"], "role": role,
                   "days": INVITATION_DAYS, "lang": language,
                   "reviewed": role == "mentor" and bool(program.get("mentor_approval_required"))}
        # A program keeping its members private is named inside only: a subject shows on lock screens and in lists.
        subject = (desk.renderer.gettext(language, C_("You are invited to join %(program)s")) % {
            "program": program["name"]} if program.get("members_public")
            else desk.renderer.gettext(language, C_("You are invited to a mentorship program")))
        text_body = desk.renderer.render(language, "console/email/invitation.txt", context)
        html_body = desk.renderer.render(language, "console/email/invitation.html", context)
        if await state.mailer.send(person["email"], subject, text_body, html_body, language=language):
            sent += 1
    return sent
