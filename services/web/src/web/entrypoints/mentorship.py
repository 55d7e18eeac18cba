"""The home page (a dashboard for a signed-in person, a welcome otherwise), a mentorship and what its two people
do with it (accept, decline, log a meeting, end early), and a waitlist place."""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_date
from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from . import labels
from .web import (
    Form,
    Person,
    Visit,
    Visiting,
    app_state,
    chapter_contact,
    clients,
    htmx,
    local,
    offers_office_hours,
    redirect,
    render,
    unless_refused,
)

router = APIRouter(include_in_schema=False)

LIVE = ("proposed", "requested", "active")


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def next_meeting_due(pairing: dict, program: dict | None, zone: tzinfo = UTC) -> date | None:
    """The day the next meeting is due by: the program's longest interval after the day of the last meeting (its day
    in UTC, as matching keeps a meeting's), or after the mentorship began. That day is the one shown to the reader
    (in `zone`), or the day in UTC matching counts from when it is earlier: never later than matching's."""
    if pairing["status"] != "active" or program is None:
        return None
    met, began = _moment(pairing.get("last_met_at")), _moment(pairing.get("confirmed_at"))
    if met is not None:
        since = met.astimezone(UTC).date()
    elif began is not None:
        since = min(began.astimezone(UTC).date(), began.astimezone(zone).date())
    else:
        return None
    return since + timedelta(days=program["cadence_max_days"])


def _view(pairing: dict, me: UUID, partner: dict | None, program: dict | None, detail: dict | None, *,
          today: date, zone: tzinfo = UTC) -> dict:
    """What a page shows of one pairing, from the services' answers; overdue once the day it was due by is over
    where the reader is (`today`, in `zone`)."""
    i_mentor = pairing["mentor_id"] == str(me)
    reasons = pairing.get("reasons") or pairing.get("reason_codes") or []
    due = next_meeting_due(pairing, program, zone)
    # A meeting due after the term ends is due by its end: the term's last day (its day in UTC, as a meeting's).
    term_ends = _moment(pairing.get("term_ends_at"))
    due_at_term_end = bool(due and term_ends and due > term_ends.astimezone(UTC).date())
    if due_at_term_end and term_ends:
        due = term_ends.astimezone(UTC).date()
    mine_accepted = None
    i_renew = partner_renews = False
    if detail is not None:
        mine_accepted = detail["mentor_accepted"] if i_mentor else detail["mentee_accepted"]
        i_renew = bool(detail.get("mentor_renews" if i_mentor else "mentee_renews"))
        partner_renews = bool(detail.get("mentee_renews" if i_mentor else "mentor_renews"))
    needs_answer = pairing["status"] in ("proposed", "requested") and mine_accepted is False
    other_accepted = bool(detail and (detail["mentee_accepted"] if i_mentor else detail["mentor_accepted"]))
    if pairing["status"] == "requested" and not i_mentor:
        needs_answer = False  # the mentee asked; the mentor answers
    return {
        "id": pairing["id"], "status": pairing["status"], "role": "mentor" if i_mentor else "mentee",
        "partner": partner, "program": program, "reasons": [r for r in reasons if r in labels.REASONS],
        "score": pairing.get("score"), "due": due, "overdue": bool(due and due < today),
        "due_at_term_end": due_at_term_end,
        "needs_answer": needs_answer, "i_accepted": mine_accepted, "other_accepted": other_accepted,
        "last_met_at": pairing.get("last_met_at"),
        "term_ends_at": pairing.get("term_ends_at"), "i_renew": i_renew, "partner_renews": partner_renews,
        # Told to its mentee only: whether the mentor meets what they require of one, of a pair a coordinator made
        # (while proposed); of a round's, false when it stopped meeting it after the draft.
        "requirement_met": (detail or {}).get("requirement_met"),
        "made_by_coordinator": bool((detail or {}).get("made_by_coordinator")),
        # The mentee's note with their request (mentee-choice programs): to the two of them alone.
        "request_note": (detail or {}).get("request_note"),
        # Before a proposal or request starts and names them: the other's stage, and what the two share.
        "in_common": (detail or {}).get("in_common"),
        # A request its mentee took back: "declined" by its status, though nobody said no.
        "withdrawn": bool((detail or pairing).get("withdrawn_by_mentee")),
        # A mentee's request rather than a proposal, also once closed (then its status no longer says so).
        "requested": pairing["status"] == "requested" or bool((detail or {}).get("requested_by_mentee")),
        # Unanswered by then, a proposal or request lapses (matching's rule): said to both sides while it waits.
        "answer_by": pairing.get("answer_by") if pairing["status"] in ("proposed", "requested") else None,
        # Letting it lapse would pause them (matching's rule, which its reminder warns of too).
        "paused_if_it_lapses": needs_answer and bool(pairing.get("paused_if_it_lapses")),
        # From when the term may be renewed or completed (its last weeks, matching says); before, ended early only.
        "closing_opens_at": (detail or {}).get("closing_opens_at"),
        "closing_open": _closing_open((detail or {}).get("closing_opens_at")),
        # Whether the reader told us how it went (matching tells them alone): given once, so thanked for instead.
        "feedback_given": bool((detail or {}).get("my_feedback")),
        "confirmed_at": pairing.get("confirmed_at"),
        # When a mentorship over closed: in the person's pairings (and the overview), not in a pairing's detail.
        "closed_at": pairing.get("closed_at"),
    }


def _closing_open(opens_at: str | None) -> bool:
    """Whether the pair may renew or complete now: from `closing_opens_at` on (none given: a term without an end)."""
    opens = _moment(opens_at)
    return opens is None or datetime.now(UTC) >= opens


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _today(visitor: Visit) -> date:
    """Today where the person is (a meeting logged late in the evening is not tomorrow's)."""
    return datetime.now(_zone(visitor.timezone)).date()


def _began_on(visitor: Visit, confirmed_at: str | None) -> date | None:
    """The day a mentorship began where the person is: the earliest its meetings may be dated (matching allows a
    little earlier, counting from the earliest time zone; never later)."""
    began = _moment(confirmed_at)
    return began.astimezone(_zone(visitor.timezone)).date() if began else None


def _their_clock(partner: dict | None, my_zone: str) -> dict | None:
    """Where the partner is, to plan a call at a sensible hour for both: their time zone, and how far ahead of the
    reader's their clock is now (hours and minutes; `behind` when it is behind)."""
    if not partner or not partner.get("timezone"):
        return None
    now = datetime.now(UTC)
    theirs, mine = now.astimezone(_zone(partner["timezone"])).utcoffset(), now.astimezone(_zone(my_zone)).utcoffset()
    ahead = int(((theirs or timedelta()) - (mine or timedelta())).total_seconds() // 60)
    hours, minutes = divmod(abs(ahead), 60)
    return {"timezone": partner["timezone"], "now": now, "hours": hours, "minutes": minutes, "behind": ahead < 0}


async def _programs_by_id(visitor: Visit, naming: Iterable[str] = ()) -> dict[str, dict]:
    return {p["id"]: p for p in await clients(visitor.request).programs(visitor.who, naming)}


MET = ("active", "completed", "ended")  # a pairing that may have meetings logged
CLOSED = ("completed", "ended")  # a mentorship over


async def _mentee_hopes(visitor: Visit, pairing_id: UUID) -> str | None:
    """To its mentor, while it waits or is on, what the mentee hopes for: to judge a proposal by before accepting.
    Secondary: should profiles not answer, the page shows without it, and the proposal can still be answered."""
    try:
        return await clients(visitor.request).mentee_hopes(visitor.who, pairing_id)
    except ServiceError:
        return None


async def _pairing_view(visitor: Visit, pairing_id: UUID, with_meetings: bool = False,
                        count_meetings: bool = False) -> dict:
    """One pairing as its page shows it; with the meetings its pair logged, for the whole page (not its card); or
    only how many (`count_meetings`: the feedback page, telling apart a mentorship over without naming the partner,
    secondary to it)."""
    api = clients(visitor.request)
    detail, _ = await asyncio.gather(api.pairing(visitor.who, pairing_id), _programs_by_id(visitor))
    programs = await _programs_by_id(visitor, naming=[detail["program_id"]])  # kept: no call unless it is new
    partner_id = detail["mentee_id"] if detail["mentor_id"] == str(visitor.person_id) else detail["mentor_id"]

    async def logged() -> list | None:
        if detail["status"] not in MET or not (with_meetings or count_meetings):
            return None
        try:
            return await api.meetings(visitor.who, pairing_id)
        except ServiceError:
            if with_meetings:
                raise
            return None

    async def hopes() -> str | None:
        if detail["mentor_id"] != str(visitor.person_id) or detail["status"] not in ("proposed", "requested", "active"):
            return None
        return await _mentee_hopes(visitor, pairing_id)

    async def contact() -> str | None:
        """On the whole page: where to write to the coordinators of the program's chapter, if it says. A national
        program's worries go to the national team that runs it (the page's other address): a chapter's coordinators
        do not see its mentorships. Secondary, as the hopes are."""
        program = programs.get(detail["program_id"]) or {}
        return await chapter_contact(visitor, program.get("chapter_id")) if with_meetings else None

    async def resting() -> bool:
        """On the whole page of a mentorship over, to its mentee: whether it left them resting (goals met, or its term
        completed: matching proposes them nobody until they ask), from their enrollment. Secondary, as the hopes."""
        if not with_meetings or detail["mentee_id"] != str(visitor.person_id) or detail["status"] not in CLOSED:
            return False
        try:
            enrollments = await api.enrollments(visitor.who, visitor.person_id)
        except ServiceError:
            return False
        return any(e["active"] and e["role"] == "mentee" and e["program_id"] == detail["program_id"]
                   and e["pairing_kind"] == detail["pairing_kind"] and e.get("paused_because") in labels.RESTING
                   for e in enrollments)

    async def closed_at() -> str | None:
        """On the whole page of a mentorship over, the day it ended: matching gives it in the person's pairings, not
        in a pairing's detail. Secondary, as the hopes: should matching not answer, the page shows without it."""
        if not with_meetings or detail["status"] not in CLOSED:
            return None
        if detail.get("closed_at"):
            return detail["closed_at"]
        try:
            mine = await api.pairings(visitor.who, visitor.person_id)
        except ServiceError:
            return None
        return next((p.get("closed_at") for p in mine if p["id"] == detail["id"]), None)

    async def named() -> dict | None:
        """The partner as profiles shows them to a partner in a mentorship that is on: asked of an active one alone,
        as profiles learns a moment late that one is over (and names the two if another of theirs is on)."""
        return await api.partner(visitor.who, UUID(partner_id)) if detail["status"] == "active" else None

    partner, meetings, mentee_hopes, coordinators_address, rests, ended = await asyncio.gather(
        named(), logged(), hopes(), contact(), resting(), closed_at())
    view = _view({**detail, "reasons": detail["reason_codes"], "closed_at": ended}, visitor.person_id, partner,
                 programs.get(detail["program_id"]), detail, today=_today(visitor), zone=_zone(visitor.timezone))
    # To its mentee: closed as another mentor she asked accepted her (matching says so to the pair).
    view["paired_elsewhere"] = bool(detail.get("closed_for_another_mentor")) and detail["mentee_id"] == str(
        visitor.person_id)
    view["meetings_logged"] = len(meetings) if meetings is not None else None
    if meetings is not None:
        meetings = [{**m, "mine": m["logged_by"] == str(visitor.person_id)} for m in meetings]
    return {**view, "meetings": meetings if with_meetings else None, "mentee_hopes": mentee_hopes,
            "chapter_contact": coordinators_address, "national_contact": app_state(visitor.request).settings.concerns_email,
            "their_clock": _their_clock(partner, visitor.timezone), "resting": rests}


# Just joined a program that pairs as people register, the page shows the mentee as looked for while matching pairs
# them a moment later (and emails them): their mentorships are looked at again this often, this many times.
LOOK_AGAIN_SECONDS, LOOKS_AFTER_JOINING = 2, 5


@router.get("/")
async def home(visitor: Visiting, signed_out: str | None = None, erased: str | None = None,
               enrolled: str | None = None, done: str | None = None, program: str | None = None, look: int = 0,
               naming_look: int = 0) -> Response:
    if visitor.session is None:
        return render(visitor, "welcome.html", signed_out=bool(signed_out), erased=bool(erased))
    if visitor.session.person_id is None:
        return redirect(visitor, "/sign-up")
    shown = await dashboard(visitor)
    looked_for_in = [w["program"] or {} for w in shown["waitlists"] if not w["paused"] and not w.get("place")
                     and (w.get("program") or {}).get("pairing_mode") not in ("mentee_choice", "rounds")]
    looked_for = bool(looked_for_in)
    # Where both sides accept, what comes is a mentor proposed to them to accept, not a mentorship.
    proposed_first = looked_for and all(p.get("both_must_accept") for p in looked_for_in)
    look_again = look + 1 if enrolled and enrolled != "review" and looked_for and look < LOOKS_AFTER_JOINING else None
    # What was just done in one program names it: the page lists several.
    done_in = next((p["name"] for p in (*(m["program"] for m in shown["mentoring"]),
                                        *(w["program"] for w in shown["waitlists"])) if p and p["id"] == program), None)
    # Ready for a mentor again, a mentee is back in line once matching hears of it, a moment later (and emailed their
    # place): said, rather than a card that names no place until the page is loaded again.
    place_coming = done == "ready_for_a_mentor" and any(p.get("id") == program for p in looked_for_in)
    # Where mentees choose, nobody is proposed to them: ready again, they choose.
    if done == "ready_for_a_mentor" and any(w["program"] and w["program"]["id"] == program
                                            and w["program"].get("pairing_mode") == "mentee_choice"
                                            for w in shown["waitlists"]):
        done = "ready_to_choose"
    return render(visitor, "dashboard.html", **shown, enrolled=enrolled, done=done, done_in=done_in,
                  place_coming=place_coming, looked_for=looked_for, proposed_first=proposed_first,
                  look_again=look_again, look_again_seconds=LOOK_AGAIN_SECONDS, naming_look=naming_look)


async def dashboard(visitor: Visit) -> dict[str, Any]:
    """What the home page shows, in three calls: matching's overview (the pairings, whether each side accepted, the
    places on the waitlists), profiles' partners, and the enrollments (programs are kept a few seconds); and one for
    each proposal awaiting the reader's answer as a mentee (whether a coordinator's pair meets their requirement)."""
    api, who, me = clients(visitor.request), visitor.who, visitor.person_id
    overview, partners, enrollments, _ = await asyncio.gather(
        api.overview(who, me), api.partners(who, me), api.enrollments(who, me), _programs_by_id(visitor))
    pairings = overview["pairings"]
    programs = await _programs_by_id(visitor, naming=[x["program_id"] for x in (*pairings, *enrollments)])
    # Leaving a program withdraws the enrollment at once, and matching ends its mentorships a moment later: one just
    # left is not shown as going on meanwhile.
    left = ({(e["program_id"], e["role"], e["pairing_kind"]) for e in enrollments if not e["active"]}
            - {(e["program_id"], e["role"], e["pairing_kind"]) for e in enrollments if e["active"]})
    live = [p for p in pairings if p["status"] in LIVE and (
        p["program_id"], "mentee" if p["mentee_id"] == str(me) else "mentor", p["pairing_kind"]) not in left]
    known = {p["id"]: p for p in partners}
    # Each overview entry says whether its mentee and its mentor accepted: it is the pairing's detail here.
    today = _today(visitor)
    views = [_view(p, me, known.get(p["mentor_id"] if p["mentee_id"] == str(me) else p["mentee_id"]),
                   programs.get(p["program_id"]), p, today=today, zone=_zone(visitor.timezone))
             for p in live]
    # A proposal awaiting a mentee's answer may be one a coordinator made, or a round's that stopped meeting what they
    # require: its detail tells the mentee whether the mentor meets it (rare enough for a call each).
    pending = {v["id"] for v in views if v["needs_answer"] and v["role"] == "mentee"}
    # How one was made, which the overview does not say, decides why the two are said to fit: a mentor the mentee
    # asked for, once they accepted, was not paired by us. Asked of its detail where mentees choose (none is a request
    # elsewhere), of those whose reasons the card shows.
    made = {v["id"] for v, p in zip(views, live, strict=True)
            if "requested_by_mentee" not in p and v["status"] in ("proposed", "active") and v["reasons"]
            and (v["program"] or {}).get("pairing_mode") == "mentee_choice"}
    asked_of = [v for v in views if v["id"] in pending | made]
    for view, detail in zip(asked_of, await asyncio.gather(*(api.pairing(who, UUID(v["id"])) for v in asked_of)),
                            strict=True):
        view["requested"] = view["requested"] or bool(detail.get("requested_by_mentee"))
        view["made_by_coordinator"] = bool(detail.get("made_by_coordinator"))
        if view["id"] in pending:
            view["requirement_met"] = detail.get("requirement_met")
    # A proposal or a request awaiting the mentor's answer: what its mentee hopes for, read before answering.
    asked = [v for v in views if v["needs_answer"] and v["role"] == "mentor"]
    for view, hopes in zip(asked, await asyncio.gather(*(_mentee_hopes(visitor, UUID(v["id"])) for v in asked)),
                           strict=True):
        view["mentee_hopes"] = hopes
    # Waiting for a mentor ends with one's own proposal or mentorship as a mentee; not with a request (a mentee who
    # chooses may ask several), nor with a mentee of one's own in the same program.
    paired_kinds = {(p["program_id"], p["pairing_kind"]) for p in live
                    if p["mentee_id"] == str(me) and p["status"] != "requested"}
    waiting = [e for e in enrollments if e["active"] and e["role"] == "mentee"
               and (e["program_id"], e["pairing_kind"]) not in paired_kinds]
    places_by = {(w["program_id"], w["pairing_kind"]): w for w in overview["waiting"]}
    places = [places_by.get((e["program_id"], e["pairing_kind"])) for e in waiting]
    # A paused mentee is off matching's waitlist (no place) yet keeps their waiting time: their card says so.
    waitlists = [{"program": programs.get(e["program_id"]), "place": place, "program_id": e["program_id"],
                  "enrollment_id": e["id"], "paused": e.get("paused", False), "paused_because": e.get("paused_because"),
                  "paused_until": e.get("paused_until")}
                 for e, place in zip(waiting, places, strict=True)]
    # A proposal or a request takes a place until it is answered, but it is no mentee yet: each is counted apart.
    mentoring = []
    for e in enrollments:
        if e["active"] and e["role"] == "mentor":
            mine = [p for p in live if p["mentor_id"] == str(me) and p["program_id"] == e["program_id"]
                    and p["pairing_kind"] == e["pairing_kind"]]
            mentees = sum(p["status"] == "active" for p in mine)
            mentoring.append({**e, "program": programs.get(e["program_id"]), "taken": len(mine), "mentees": mentees,
                              "unanswered": len(mine) - mentees})
    # Told apart by when each ran, and more where that is alike (neither partner is named once it is over).
    to_review = [{"id": p["id"], "program": programs.get(p["program_id"]), "program_id": p["program_id"],
                  "began": p["confirmed_at"], "ended": p["closed_at"], "status": p["status"],
                  "closed_by": p.get("closed_by"),
                  "role": "mentor" if p["mentor_id"] == str(me) else "mentee", "meetings": None}
                 for p in pairings if _feedback_asked(p)]
    await _tell_apart(visitor, to_review)
    return {"pairings": views, "waitlists": waitlists, "mentoring": mentoring,
            "hosting": offers_office_hours(visitor, enrollments),
            "actions": [v for v in views if v["needs_answer"] or v["overdue"]], "enrollments": enrollments,
            "to_review": to_review}


async def _tell_apart(visitor: Visit, to_review: list[dict]) -> None:
    """Marks what tells apart mentorships to review that ran in one program over the same days: how each ended
    and who ended it (`say_how`: as each side was told by email), then, still alike, the reader's role in each
    (`say_role`), then the meetings logged in each (`meetings`, one call for all)."""
    zone = _zone(visitor.timezone)

    def alike(r: dict, *also: str) -> tuple:
        days = tuple(datetime.fromisoformat(r[k]).astimezone(zone).date() for k in ("began", "ended"))
        return (r["program_id"], *days, *(r[k] for k in also))

    def twins(*also: str) -> list[dict]:
        return [r for r in to_review if sum(alike(o, *also) == alike(r, *also) for o in to_review) > 1]

    for r in twins():
        r["say_how"] = True
    for r in twins("status", "closed_by"):
        r["say_role"] = True
    same = twins("status", "closed_by", "role")
    if not same:
        return
    try:
        logged = await clients(visitor.request).meetings_of(visitor.who, visitor.person_id)
    except ServiceError:  # secondary: the links are still there, if alike
        return
    for r in same:
        r["meetings"] = sum(m["pairing_id"] == r["id"] for m in logged)


FEEDBACK_ASKED_DAYS = 30  # after a mentorship closes, home asks how it went this long (its page, for good)


def _feedback_asked(pairing: dict) -> bool:
    """Whether home asks how this pairing went: a mentorship that happened and closed lately, not yet reviewed."""
    closed_at = pairing.get("closed_at")
    return (pairing["status"] in ("completed", "ended") and pairing.get("confirmed_at") is not None
            and not pairing.get("my_feedback") and closed_at is not None
            and datetime.fromisoformat(closed_at) > datetime.now(UTC) - timedelta(days=FEEDBACK_ASKED_DAYS))


async def _page(visitor: Visit, pairing_id: UUID, status: int = 200, template: str = "mentorship.html",
                **context: Any) -> Response:
    """A pairing's page (or its feedback page); not found when the pairing is not the visitor's, or is none."""
    try:
        view = await _pairing_view(visitor, pairing_id, with_meetings=template == "mentorship.html",
                                   count_meetings=template == "feedback.html")
    except ServiceError as error:
        if _not_theirs(error):
            return render(visitor, "not_found.html", 404)
        raise
    if context.pop("reload_once_settled", False) and not _still_looked_for(view):
        return Response(headers={"HX-Refresh": "true"})
    if template == "mentorship.html":  # also the answer to its forms: switching language goes back to it
        context.setdefault("here", f"/mentorships/{pairing_id}")
    context.setdefault("already_given", view["feedback_given"])  # feedback is given once: not asked again
    began_on = _began_on(visitor, view["confirmed_at"])
    if context.pop("before_pairing", False) and began_on:  # the day said, not left to be guessed
        context["problems"]["met_on"] = visitor._(labels.MEETING_BEFORE_PAIRING_ON) % {
            "day": format_date(began_on, "long", locale=visitor.language)}
    return render(visitor, template, status, p=view, today=_today(visitor), began_on=began_on, **context)


def _still_looked_for(view: dict) -> bool:
    """Whether a card looks again by itself (`_pairing_card.html`): a mentorship begun whose partner is not named
    yet, or one's own answer given and the other's awaited."""
    return (view["status"] == "active" and not view["partner"]) or (
        view["status"] in ("proposed", "requested") and bool(view["i_accepted"]))


def _not_theirs(failed: ServiceError) -> bool:
    return failed.status in (403, 404)


@router.get("/mentorships/{pairing_id}")
async def mentorship(pairing_id: UUID, visitor: Person, done: str | None = None, on: str | None = None,
                     naming_look: int = 0) -> Response:
    """`on`: the day of the meeting just logged (`done`), to say whether the partner logged one that day too;
    `naming_look`: how many times the card has looked again for a partner not named yet, or the other's answer.
    The look (HTMX) that finds it settled has the whole page loaded again: the card alone would leave its heading
    and how to reach the partner behind; looks before it swap the card only, keeping what is typed elsewhere."""
    looking = bool(naming_look) and visitor.request.headers.get("hx-request") == "true"
    return await _page(visitor, pairing_id, done=done, logged_on=on, naming_look=naming_look,
                       reload_once_settled=looking)


async def _act(visitor: Visit, pairing_id: UUID, action: str, body: dict | None, done: str,
               back: str | None, then: Callable[[dict], Awaitable[str]] | None = None) -> Response:
    """Act on the pairing, then answer: the page, the card, or a redirect saying it is `done` (or what `then`, given
    the pairing as it now is, says was done after)."""
    api = clients(visitor.request)
    error = None
    try:
        answered = await api.act_on_pairing(visitor.who, pairing_id, action, body)
        if then is not None:
            done = await then(answered)
    except ServiceError as failed:
        if _not_theirs(failed):
            return render(visitor, "not_found.html", 404)
        error = visitor.error_words(failed)
    if htmx(visitor.request):
        announce = error or visitor._(labels.DONE[done])
        if local(back, "/") == f"/mentorships/{pairing_id}":  # the page itself: all it says may have changed
            return await _page(visitor, pairing_id, error=error, done=None if error else done, announce=announce)
        home = await dashboard(visitor)
        view = next((v for v in home["pairings"] if v["id"] == str(pairing_id)), None) \
            or await _pairing_view(visitor, pairing_id)
        return render(visitor, "_pairing_answered.html", p=view, actions=home["actions"], error=error,
                      announce=announce)
    if error:
        return await _page(visitor, pairing_id, 422, error=error)
    return redirect(visitor, f"{local(back, f'/mentorships/{pairing_id}')}?done={done}")


@router.post("/mentorships/{pairing_id}/accept")
async def accept(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    return await _act(visitor, pairing_id, "accept", None, "accepted", str(posted.get("back") or ""))


@router.post("/mentorships/{pairing_id}/decline")
async def decline(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    # None chosen is said so, not "another reason": the reason is optional.
    reason = str(posted.get("reason_code") or "no_reason_given")
    reason = reason if reason in labels.DECLINE_REASONS else "no_reason_given"
    then = None
    if posted.get("pause") == "true":  # a mentor who cannot take a mentee now need not decline the next one too
        async def then(declined: dict) -> str:
            return "declined_paused" if await _pause_mentoring(visitor, declined) else "declined_not_paused"
    return await _act(visitor, pairing_id, "decline", {"reason_code": reason}, "declined",
                      str(posted.get("back") or ""), then)


async def _pause_mentoring(visitor: Visit, pairing: dict, mentee_too: bool = False) -> bool:
    """Pause the visitor's side of the pairing in its program and kind (their mentoring; with `mentee_too`, their
    waiting for a mentor as its mentee as well); whether that worked."""
    me = str(visitor.person_id)
    role = "mentor" if pairing.get("mentor_id") == me else "mentee" if pairing.get("mentee_id") == me else None
    if role is None or (role == "mentee" and not mentee_too):
        return False
    api = clients(visitor.request)
    try:
        mine = [e for e in await api.enrollments(visitor.who, visitor.person_id)
                if e["active"] and e["role"] == role and e["program_id"] == pairing["program_id"]
                and e.get("pairing_kind") == pairing.get("pairing_kind")]
        for enrollment in mine:
            await api.change_enrollment(visitor.who, UUID(enrollment["id"]), {"paused": True})
    except ServiceError:
        return False
    return bool(mine)


@router.post("/mentorships/{pairing_id}/withdraw")
async def withdraw(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    """A mentee takes back their request of a mentor (matching's decline, for that reason)."""
    return await _act(visitor, pairing_id, "decline", {"reason_code": "request_withdrawn"}, "request_withdrawn", "/")


MOST_MENTEES_AT_ONCE = 10  # profiles' bound on a mentor's capacity (EnrollmentIn.capacity)
MEETING_MINUTES = (5, 600)
MEETING_FIELDS = ("met_on", "minutes", "topics")
MEETING_TOPICS, MEETING_TOPIC_LENGTH = 10, 100  # matching's bounds (LogMeetingIn.topics, Topic)
FEEDBACK_RATINGS, FEEDBACK_COMMENT_LENGTH = ("1", "2", "3", "4", "5"), 4000  # matching's bounds (FeedbackIn)


def _meeting_posted(visitor: Visit, posted: Form) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """A meeting's form: what was typed (kept, to show again), what matching is sent, and what is wrong, by field."""
    values = {name: str(posted.get(name) or "").strip() for name in MEETING_FIELDS}
    problems: dict[str, str] = {}
    try:
        met_on = date.fromisoformat(values["met_on"])
    except ValueError:
        if not values["met_on"]:
            problems["met_on"] = visitor._("Give the day you met.")
        else:  # typed where a browser offers no date picker: 30 February, say, is not "missing"
            problems["met_on"] = visitor._("That is not a day of the calendar: give the day you met as "
                                           "year-month-day, like %(today)s.") % {"today": _today(visitor).isoformat()}
    else:
        # Said here with the other mistakes, not only once they are mended and matching refuses it.
        if met_on > _today(visitor):
            problems["met_on"] = visitor.error_words("meeting_in_the_future")
    try:
        minutes = int(values["minutes"])
    except ValueError:
        minutes = 0
    if not MEETING_MINUTES[0] <= minutes <= MEETING_MINUTES[1]:
        problems["minutes"] = visitor._("Give how many minutes the meeting took, as a number from 5 to 600.")
    topics = [t.strip() for t in values["topics"].split(",") if t.strip()]
    if len(topics) > MEETING_TOPICS or any(len(t) > MEETING_TOPIC_LENGTH for t in topics):
        problems["topics"] = visitor._("Keep each topic to 100 characters or fewer, and give at most 10, separated by "
                                       "commas.")
    body = {} if problems else {"met_on": met_on.isoformat(), "minutes": minutes, "topics": topics}
    return values, body, problems


def _refused_field(failed: ServiceError) -> str | None:
    """The field of the meeting's form matching refused, if it was one."""
    if failed.field in MEETING_FIELDS:
        return failed.field
    return "met_on" if failed.code in ("meeting_in_the_future", "meeting_before_pairing") else None


@router.post("/mentorships/{pairing_id}/meetings")
async def log_meeting(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    """A meeting that happened: refused next to its field (the day, the minutes), what was typed kept. Its day goes
    to the page, to say whether the partner logged one that day too."""
    values, body, problems = _meeting_posted(visitor, posted)
    if not problems:
        try:
            await clients(visitor.request).act_on_pairing(visitor.who, pairing_id, "meetings", body)
        except ServiceError as failed:
            if _not_theirs(failed):
                return render(visitor, "not_found.html", 404)
            field = _refused_field(failed)
            if field is None:
                return await _page(visitor, pairing_id, 422, error=visitor.error_words(failed), meeting=values)
            problems[field] = visitor.error_words(failed)
        else:
            return redirect(visitor, f"/mentorships/{pairing_id}?done=meeting_logged&on={body['met_on']}")
    return await _page(visitor, pairing_id, 422, problems=problems, meeting=values,
                       before_pairing=problems.get("met_on") == visitor.error_words("meeting_before_pairing"))


async def _my_meeting(visitor: Visit, pairing_id: UUID, meeting_id: int) -> dict | None:
    """The visitor's own meeting of the pairing, as matching lists it; None if it is their partner's, or none."""
    try:
        logged = await clients(visitor.request).meetings(visitor.who, pairing_id)
    except ServiceError as failed:
        if _not_theirs(failed):
            return None
        raise
    return next((m for m in logged if m["id"] == meeting_id and m["logged_by"] == str(visitor.person_id)), None)


async def _change_page(visitor: Visit, pairing_id: UUID, meeting_id: int, meeting: dict[str, str], status: int = 200,
                       **context: Any) -> Response:
    # The pairing as its page shows it: the heading names the partner (a mentor may log meetings with several).
    view = await _pairing_view(visitor, pairing_id, with_meetings=False)
    return render(visitor, "meeting_change.html", status, p=view, pairing_id=pairing_id, meeting_id=meeting_id,
                  meeting=meeting, today=_today(visitor), began_on=_began_on(visitor, view["confirmed_at"]),
                  **context)


@router.get("/mentorships/{pairing_id}/meetings/{meeting_id}/change")
async def meeting_to_change(pairing_id: UUID, meeting_id: int, visitor: Person) -> Response:
    """One's own meeting, as logged, to correct: a page of its own (one thing at a time, no script needed)."""
    meeting = await _my_meeting(visitor, pairing_id, meeting_id)
    if meeting is None:
        return render(visitor, "not_found.html", 404)
    return await _change_page(visitor, pairing_id, meeting_id, {"met_on": meeting["met_on"], "minutes": str(meeting["minutes"]),
                                                          "topics": ", ".join(meeting["topics"])})


@router.post("/mentorships/{pairing_id}/meetings/{meeting_id}/change")
async def change_meeting(pairing_id: UUID, meeting_id: int, visitor: Person, posted: Form) -> Response:
    """A meeting corrected by the rules it was logged by: refused next to its field, what was typed kept."""
    values, body, problems = _meeting_posted(visitor, posted)
    if not problems:
        try:
            await clients(visitor.request).correct_meeting(visitor.who, pairing_id, meeting_id, body)
        except ServiceError as failed:
            if _not_theirs(failed):
                return render(visitor, "not_found.html", 404)
            field = _refused_field(failed)
            if field is None:
                return await _change_page(visitor, pairing_id, meeting_id, values, 422, error=visitor.error_words(failed))
            problems[field] = visitor.error_words(failed)
        else:
            return redirect(visitor, f"/mentorships/{pairing_id}?done=meeting_corrected")
    return await _change_page(visitor, pairing_id, meeting_id, values, 422, problems=problems)


@router.post("/mentorships/{pairing_id}/meetings/{meeting_id}/delete")
async def delete_meeting(pairing_id: UUID, meeting_id: int, visitor: Person, posted: Form) -> Response:
    """One's own meeting deleted (logged by mistake, or the same one the partner logged), once asked first: it is
    not taken back."""
    if posted.get("confirm") != "yes":
        return await _page(visitor, pairing_id, confirming=meeting_id)
    try:
        await clients(visitor.request).delete_meeting(visitor.who, pairing_id, meeting_id)
    except ServiceError as failed:
        if failed.code == "meeting_not_found":  # a second press: what was asked is done
            return redirect(visitor, f"/mentorships/{pairing_id}?done=meeting_deleted")
        if _not_theirs(failed):
            return render(visitor, "not_found.html", 404)
        return await _page(visitor, pairing_id, 422, error=visitor.error_words(failed))
    return redirect(visitor, f"/mentorships/{pairing_id}?done=meeting_deleted")


@router.post("/mentorships/{pairing_id}/end")
async def end(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    """Ended for the reason chosen, refused without one: none is chosen for them, as it decides whether the mentee
    rests or is paired again."""
    reason = str(posted.get("reason_code") or "")
    if reason not in labels.END_REASONS:
        return await _page(visitor, pairing_id, 422,
                           end_problems={"end-reason": visitor._("Choose why you end this mentorship.")})
    paused = await _pause_before_ending(visitor, pairing_id) if posted.get("pause") == "true" else None
    then = None
    if reason == "conduct":  # told that a coordinator looks into it: the page of the ended pairing cannot know why
        async def then(ended: dict) -> str:
            return "ended_for_conduct_by_mentee" if ended.get("mentee_id") == str(visitor.person_id) \
                else "ended_for_conduct_by_mentor"
    elif reason == "goals_met":  # the mentee rests: told at once, before profiles' word reaches their enrollment
        async def then(ended: dict) -> str:
            return "ended_resting" if ended.get("mentee_id") == str(visitor.person_id) else "ended"
    else:  # where each now stands: a mentee back on the waitlist unless paused; a mentor paused, or not
        async def then(ended: dict) -> str:
            mentee = ended.get("mentee_id") == str(visitor.person_id)
            if paused is None and mentee:  # where mentees choose, nobody is proposed to them: they choose again
                program = (await _programs_by_id(visitor, naming=[ended["program_id"]])).get(ended["program_id"])
                return "ended_choosing" if (program or {}).get("pairing_mode") == "mentee_choice" else "ended_waiting"
            if paused is None:
                return "ended"
            if mentee:
                return "ended_mentee_paused" if paused else "ended_mentee_not_paused"
            return "ended_paused" if paused else "ended_not_paused"
    # Paused in profiles, so in matching too in the very step that ends it (profiles' word reaches it later).
    ending = {"reason_code": reason, **({"pause": True} if paused else {})}
    return await _act(visitor, pairing_id, "end", ending, "ended", None, then)


async def _pause_before_ending(visitor: Visit, pairing_id: UUID) -> bool:
    """One ending a mentorship who also pauses is paused in profiles first, then says so to matching as they end it
    (`pause`): a mentor, so that the place it frees is not offered to the next mentee waiting; a mentee, so that they
    are not put back on the waitlist and proposed a new mentor."""
    try:
        pairing = await clients(visitor.request).pairing(visitor.who, pairing_id)
    except ServiceError:
        return False
    return await _pause_mentoring(visitor, pairing, mentee_too=True)


@router.post("/mentorships/{pairing_id}/renew")
async def renew(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    """Each side asks in the weeks before the term ends (matching's rule); renewed once both have."""
    try:
        before = await clients(visitor.request).pairing(visitor.who, pairing_id)
        after = await clients(visitor.request).act_on_pairing(visitor.who, pairing_id, "renew")
    except ServiceError as failed:
        if _not_theirs(failed):
            return render(visitor, "not_found.html", 404)
        return await _page(visitor, pairing_id, 422, error=visitor.error_words(failed))
    done = "renewed" if after["term_ends_at"] != before["term_ends_at"] else "renewal_asked"
    return redirect(visitor, f"/mentorships/{pairing_id}?done={done}")


@router.post("/mentorships/{pairing_id}/complete")
async def complete(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    error = None
    try:
        await clients(visitor.request).act_on_pairing(visitor.who, pairing_id, "complete")
    except ServiceError as failed:
        if _not_theirs(failed):
            return render(visitor, "not_found.html", 404)
        error = visitor.error_words(failed)
    if error:
        return await _page(visitor, pairing_id, 422, error=error)
    return redirect(visitor, f"/mentorships/{pairing_id}/feedback")


@router.get("/mentorships/{pairing_id}/feedback")
async def feedback_page(pairing_id: UUID, visitor: Person) -> Response:
    return await _page(visitor, pairing_id, template="feedback.html")


@router.post("/mentorships/{pairing_id}/feedback")
async def give_feedback(pairing_id: UUID, visitor: Person, posted: Form) -> Response:
    """Feedback on a mentorship that happened: refused next to its field, what was typed kept."""
    typed = {"rating": str(posted.get("rating") or ""), "comment": str(posted.get("comment") or "").strip()}
    problems: dict[str, str] = {}
    if typed["rating"] not in FEEDBACK_RATINGS:
        problems["rating"] = visitor._("Choose how it went.")
    if too_long := visitor.too_long(typed["comment"], FEEDBACK_COMMENT_LENGTH, labels.N_("Your comment")):
        problems["comment"] = too_long
    if problems:
        return await _page(visitor, pairing_id, 422, template="feedback.html", problems=problems, typed=typed)
    try:
        await clients(visitor.request).act_on_pairing(visitor.who, pairing_id, "feedback",
                                                      {"rating": int(typed["rating"]), "comment": typed["comment"]})
    except ServiceError as failed:
        if _not_theirs(failed):
            return render(visitor, "not_found.html", 404)
        if failed.code == "feedback_already_given":
            return await _page(visitor, pairing_id, 409, template="feedback.html", already_given=True)
        return await _page(visitor, pairing_id, 422, template="feedback.html", typed=typed,
                           problems={"form": visitor.error_words(failed)})
    return redirect(visitor, "/?done=feedback")


@router.post("/enrollments/{enrollment_id}/capacity")
async def change_capacity(enrollment_id: UUID, visitor: Person, posted: Form) -> Response:
    typed = str(posted.get("capacity") or "").strip()[:20]
    if not (typed.isdigit() and 1 <= int(typed) <= MOST_MENTEES_AT_ONCE):
        problem = {"enrollment_id": str(enrollment_id), "typed": typed,
                   "words": visitor._(labels.CAPACITY_ASKED) % {"most": MOST_MENTEES_AT_ONCE}}
        # Said above the page too, linking to the field: on a phone the mentor's card may be a long way down.
        return render(visitor, "dashboard.html", 422, **await dashboard(visitor), capacity_problem=problem,
                      problems={f"capacity-{enrollment_id}": problem["words"]})
    capacity = int(typed)
    try:
        await clients(visitor.request).change_enrollment(visitor.who, enrollment_id, {"capacity": capacity})
    except ServiceError:
        return redirect(visitor, "/?done=failed")
    return redirect(visitor, "/?done=capacity")


def _pause_ends(visitor: Visit, length: str) -> str | None:
    """When a pause for `length` (`labels.PAUSE_LENGTHS`) ends: the start of that day where the person lives, a
    month on being the same day of the month (or its last); None for a pause until they resume."""
    today = _today(visitor)
    if length == "2w":
        day = today + timedelta(days=14)
    elif length in ("1m", "3m"):
        month = today.month - 1 + int(length[0])
        year, month = today.year + month // 12, month % 12 + 1
        day = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    else:
        return None
    return datetime.combine(day, time(0), _zone(visitor.timezone)).isoformat()


@router.post("/enrollments/{enrollment_id}/pause")
async def pause(enrollment_id: UUID, visitor: Person, posted: Form) -> Response:
    """The pause switch: while paused, nobody new is proposed to a mentor (their mentorships go on), and a mentee is
    proposed to no mentor (keeping their place); for a while (`paused_for`), profiles resumes them at its end."""
    paused = str(posted.get("paused") or "") == "true"
    change: dict[str, Any] = {"paused": paused}
    if paused and (ends := _pause_ends(visitor, str(posted.get("paused_for") or ""))):
        change["paused_until"] = ends
    api = clients(visitor.request)
    try:
        changed = await api.change_enrollment(visitor.who, enrollment_id, change)
        # A mentor with several programs may rest from all at once (`everywhere`): one left on would go on
        # giving them mentees, at once where pairs start as soon as one fits.
        everywhere = posted.get("everywhere") == "on" and changed["role"] == "mentor"
        if everywhere:
            # Paused already elsewhere, the same length applies there too: "for a month, everywhere" is what was asked.
            others = [e["id"] for e in await api.enrollments(visitor.who, visitor.person_id)
                      if e["active"] and e["role"] == "mentor" and e["id"] != str(enrollment_id)
                      and (paused or e.get("paused"))]
            await asyncio.gather(*(api.change_enrollment(visitor.who, UUID(other), change) for other in others))
    except ServiceError:
        return redirect(visitor, "/?done=failed")
    if everywhere:
        return redirect(visitor, f"/?done={'paused_everywhere' if paused else 'resumed_everywhere'}")
    # Profiles answers the enrollment as it now is: its role words the message, without another call.
    mentee = changed["role"] == "mentee"
    done = ("mentee_paused" if mentee else "paused") if paused else ("ready_for_a_mentor" if mentee else "resumed")
    return redirect(visitor, f"/?done={done}&program={changed['program_id']}")


async def _own_enrollment(visitor: Visit, enrollment_id: UUID) -> tuple[dict | None, dict | None]:
    """The visitor's active enrollment with this id, and its program; (None, None) when it is not theirs or not
    active (nobody learns whether someone else's exists)."""
    api = clients(visitor.request)
    mine = [e for e in await api.enrollments(visitor.who, visitor.person_id)
            if e["id"] == str(enrollment_id) and e["active"]]
    if not mine:
        return None, None
    programs = await _programs_by_id(visitor, naming=[mine[0]["program_id"]])
    return mine[0], programs.get(mine[0]["program_id"])


async def _partners_ending(visitor: Visit, enrollment: dict) -> list[dict]:
    """The partners whose mentorships leaving `enrollment` ends: those of the visitor's active pairings in its program
    and kind, in its role, named as on the home page (matching's overview and profiles' partners)."""
    api, me = clients(visitor.request), str(visitor.person_id)
    overview, partners = await asyncio.gather(api.overview(visitor.who, visitor.person_id),
                                              api.partners(visitor.who, visitor.person_id))
    mine, theirs = ("mentor_id", "mentee_id") if enrollment["role"] == "mentor" else ("mentee_id", "mentor_id")
    ending = [p[theirs] for p in overview["pairings"]
              if p["status"] == "active" and p[mine] == me and p["program_id"] == enrollment["program_id"]
              and p.get("pairing_kind") == enrollment.get("pairing_kind")]
    known = {p["id"]: p for p in partners}
    return [known[person] for person in ending if person in known]


@router.get("/enrollments/{enrollment_id}/leave")
async def leave_page(enrollment_id: UUID, visitor: Person) -> Response:
    """What leaving a program does, asked before it is done (one thing per page), naming whom it parts from."""
    enrollment, program = await _own_enrollment(visitor, enrollment_id)
    if enrollment is None:
        return render(visitor, "not_found.html", 404)
    return render(visitor, "leave.html", enrollment=enrollment, program=program,
                  partners=await _partners_ending(visitor, enrollment))


@router.post("/enrollments/{enrollment_id}/leave")
async def leave(enrollment_id: UUID, visitor: Person, posted: Form) -> Response:
    """Withdraw the enrollment: profiles says so, and matching ends its mentorships (the partners are told) and takes
    the person off its waitlist."""
    enrollment, program = await _own_enrollment(visitor, enrollment_id)
    if enrollment is None:
        return redirect(visitor, "/")  # left already (a second click), or never theirs
    try:
        await clients(visitor.request).withdraw_enrollment(visitor.who, enrollment_id)
    except ServiceError as error:
        try:
            partners = await _partners_ending(visitor, enrollment)
        except ServiceError:
            partners = []
        return render(visitor, "leave.html", 422 if error.status < 500 else 503, enrollment=enrollment,
                      program=program, partners=partners, error=visitor.error_words(error))
    return redirect(visitor, "/?done=left_program")


@router.get("/programs/{program_id}")
async def program(program_id: UUID, visitor: Visiting) -> Response:
    """A program as anyone may read it; a signed-in person also sees their part in it."""
    api = clients(visitor.request)
    signed_up = visitor.session is not None and visitor.session.person_id is not None

    async def nothing() -> list:
        return []

    async def pairings_if_matching_answers() -> list:
        try:
            return await api.pairings(visitor.who, visitor.person_id)
        except ServiceError:  # the program is still worth reading: its links are then those of a mentee waiting
            return []

    try:
        found, enrollments, pairings = await asyncio.gather(
            api.program(visitor.who, program_id),
            api.enrollments(visitor.who, visitor.person_id) if signed_up else nothing(),
            pairings_if_matching_answers() if signed_up else nothing())
    except ServiceError as error:
        if error.status in (403, 404, 422):
            return render(visitor, "not_found.html", 404)
        raise
    mine = [e for e in enrollments if e["program_id"] == str(program_id) and e["active"]]
    # A mentee's live mentorship of each kind here: the page leads to it rather than to a waitlist they are not on.
    mentorship_of_kind = {p["pairing_kind"]: p["id"] for p in pairings
                          if p["program_id"] == str(program_id) and p["status"] in LIVE
                          and p["mentee_id"] == str(visitor.person_id)}
    return render(visitor, "program.html", program=found, mine=mine, mentorship_of_kind=mentorship_of_kind)


@router.get("/waitlists/{program_id}")
async def waitlist(program_id: UUID, visitor: Person) -> Response:
    api = clients(visitor.request)
    enrollments, programs = await asyncio.gather(api.enrollments(visitor.who, visitor.person_id),
                                                 _programs_by_id(visitor, naming=[str(program_id)]))
    mine = [e for e in enrollments if e["program_id"] == str(program_id) and e["active"] and e["role"] == "mentee"]
    places: list[Any] = await asyncio.gather(*(api.waitlist_place(visitor.who, program_id, visitor.person_id,
                                                                  e["pairing_kind"]) for e in mine))
    # A paused mentee is off matching's waitlist (no place) yet enrolled: told why, and how to resume, as at home.
    entries = [{"place": place, "enrollment_id": e["id"], "paused": e.get("paused", False),
                "paused_because": e.get("paused_because"), "paused_until": e.get("paused_until")}
               for e, place in zip(mine, places, strict=True) if place or e.get("paused")]
    program = programs.get(str(program_id))
    identity = contact = me = None
    if any(not e["paused"] for e in entries):
        # Whoever waits is told what may keep them waiting that is theirs to change (the languages they can meet in, a
        # shared identity they require; secondary to the page), and whom to ask: no one else learns of it from it.
        identity, contact, me = await asyncio.gather(unless_refused(api.identity(visitor.who, visitor.person_id)),
                                                     chapter_contact(visitor, (program or {}).get("chapter_id")),
                                                     unless_refused(api.person(visitor.who, visitor.person_id)))
    required = [r["attribute"] for r in (identity or {}).get("requests") or () if r["strength"] == "requirement"]
    return render(visitor, "waitlist.html", program=program, entries=entries, required=required,
                  languages=(me or {}).get("languages") or [],
                  chapter_contact=contact, national_contact=app_state(visitor.request).settings.concerns_email)
