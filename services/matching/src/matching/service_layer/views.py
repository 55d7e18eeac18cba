"""What people and coordinators look up: the waitlist and a place on it, a person's pairings and places, one pairing
and the meetings its pair logged, a program's pairings and the feedback given on them (the last two audited: a
coordinator reads who is paired)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from mentorship_contracts.matching import PAUSED_AFTER_UNANSWERED
from mentorship_contracts.vocabulary import PairingKind, Role

from ..domain.errors import NotWaiting, PairingKindRequired
from ..domain.model import Candidate, Pairing, ProgramRules, awaiting, paused_by_one_more_lapse, reads_request_note
from ..domain.scoring import requirement_unmet
from .lifecycle import load, runs_of_lapses
from .ports import Authorize, MatchingUnitOfWorkPort

if TYPE_CHECKING:
    from plumbing.auth import Principal


async def waitlist(program_id: UUID, uow: MatchingUnitOfWorkPort) -> list[dict[str, Any]]:
    async with uow:
        return [{k: v for k, v in e.items() if k != "waitlist_announced"}
                for e in await uow.waitlist.entries(program_id)]


async def waitlist_place(program_id: UUID, person_id: UUID, uow: MatchingUnitOfWorkPort,
                         pairing_kind: PairingKind | None = None) -> dict[str, Any]:
    """A mentee's place on the program's waitlist, in the queue of the kind of pairing they wait for."""
    places = [e for e in await waitlist(program_id, uow)
              if e["person_id"] == person_id and pairing_kind in (None, e["pairing_kind"])]
    if not places:
        raise NotWaiting("not waiting in this program" + (f" for {pairing_kind}" if pairing_kind else ""),
                         "person_id")
    if len(places) > 1:
        kinds = ", ".join(e["pairing_kind"] for e in places)
        raise PairingKindRequired(f"waiting here for several kinds of pairing ({kinds}): say which", "pairing_kind")
    return places[0]


async def pairings_of(person_id: UUID, uow: MatchingUnitOfWorkPort) -> list[dict[str, Any]]:
    async with uow:
        pairings = _warned(person_id, await uow.pairings.of_person(person_id))
    for p in pairings:  # the note of a request that went no further, kept from its mentor
        if not reads_request_note(Role.MENTEE if p["mentee_id"] == person_id else Role.MENTOR, p["status"]):
            p["request_note"] = None
    return pairings


def _warned(person_id: UUID, pairings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Of each of the person's pairings still waiting for their answer, whether letting it lapse would pause them
    (`paused_if_it_lapses`), as its reminder warns them."""
    for p in pairings:
        side = Role.MENTEE if p["mentee_id"] == person_id else Role.MENTOR
        pausing = paused_by_one_more_lapse(p.pop("unanswered_in_a_row"), p.pop("paused"))
        p["paused_if_it_lapses"] = pausing and side in awaiting(p["status"], p["mentee_accepted"], p["mentor_accepted"])
    return pairings


async def paused_if_it_lapses(pairing: Pairing, person_id: UUID | None, uow: MatchingUnitOfWorkPort) -> bool:
    """Whether the person letting this pairing lapse unanswered would pause them (False unless it waits for them)."""
    side = pairing.side_of(person_id)
    if side is None:
        return False
    async with uow:
        return side in pairing.paused_if_it_lapses(await runs_of_lapses([pairing], uow))


async def feedback_given(pairing: Pairing, person_id: UUID | None, uow: MatchingUnitOfWorkPort
                         ) -> dict[str, Any] | None:
    """The feedback the person gave on this pairing, to them alone (None to anyone not of the pair, staff included:
    they read it unnamed among the program's), or None when they gave none."""
    if person_id is None or pairing.side_of(person_id) is None:
        return None
    async with uow:
        return await uow.pairings.feedback_by(pairing.id, person_id)


async def pairings_in_chapters(person_id: UUID, uow: MatchingUnitOfWorkPort, coordinator: Principal
                               ) -> list[dict[str, Any]]:
    """The person's pairings in programs of the coordinator's chapters (what those programs' pages list too), the
    reading audited once per chapter it showed."""
    async with uow:
        found = [p for p in await uow.pairings.of_person(person_id) if coordinator.coordinates(p["chapter_id"])]
        for chapter_id in sorted({p["chapter_id"] for p in found}, key=str):
            uow.audit(coordinator, "person_pairings.read", "person", person_id, chapter_id=chapter_id)
        await uow.commit()
        return found


async def pairing(pairing_id: UUID, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> Pairing:
    async with uow:
        found, _, _ = await load(pairing_id, uow, authorize)
        return found


async def requirement_met(pairing_id: UUID, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> bool | None:
    """For the mentee alone, whether the mentor shares and shows a partner what the mentee requires of a mentor
    (None to anyone else, or when they require nothing). Of a pair a coordinator made, while it is proposed: no rule
    checked it (`stepping_in`), the mentee judges, and learns what a pairing the engine made for it would tell them
    (DOMAIN: such a pairing tells the mentee the mentor has it), nothing more. Of a round's pair the mentee has not
    accepted (proposed, or confirmed by its mentor alone), False alone: its mentee began to require it, or its mentor
    stopped showing it, after the draft (it is published as every other: `rounds.publish`); they may decline or end
    it. (A mentor's answer alone no longer confirms a pairing, but it did before: those it confirmed still run.)"""
    async with uow:
        pairing, program, actor = await load(pairing_id, uow, authorize)
        made_by_hand = pairing.origin == "manual" and pairing.status == "proposed"
        # Active too when the mentor's answer alone confirmed it, as it once could: the mentee never judged it.
        by_a_round = pairing.origin == "round" and (
            pairing.status == "proposed" or (pairing.status == "active" and not pairing.mentee_accepted))
        if not (made_by_hand or by_a_round) or actor.person_id != pairing.mentee_id:
            return None
        mentees, mentors = await _sides(pairing, program, uow)
    if not mentees or not mentors or not any(wish.required for wish in mentees[0].identity_wishes):
        return None
    met = not requirement_unmet(mentees[0], mentors[0])
    return None if by_a_round and met else met


async def _sides(pairing: Pairing, program: ProgramRules, uow: MatchingUnitOfWorkPort
                 ) -> tuple[list[Candidate], list[Candidate]]:
    """The pairing's mentee and mentor as the scoring sees them, paused or not: a pause proposes a person nobody new,
    but they still answer what waits for them and still mentor (Kwame, paused, read his proposal without his mentee's
    stage). Empty for a side whose profile has not arrived, or who withdrew or was suspended."""
    assert pairing.mentee_enrollment_id is not None and pairing.mentor_enrollment_id is not None
    mentees = await uow.candidates.in_program(program, "mentee", enrollment_ids=[pairing.mentee_enrollment_id],
                                              paused_too=True)
    mentors = await uow.candidates.in_program(program, "mentor", enrollment_ids=[pairing.mentor_enrollment_id],
                                              paused_too=True)
    return mentees, mentors


async def in_common(pairing_id: UUID, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> dict[str, Any] | None:
    """To either side of a proposal or a request, before it starts and names them, and of the mentorship it became:
    the other's training stage, and the specialties and languages to meet in they share, so that an answer is not
    given blind and the language they meet in stays said. Nothing of who they are (their identity answers): a partner
    sees those once matched, as they chose. None to anyone else, or once it closed."""
    async with uow:
        pairing, program, actor = await load(pairing_id, uow, authorize)
        side = pairing.side_of(actor.person_id)
        if side is None or pairing.status not in ("proposed", "requested", "active"):
            return None
        mentees, mentors = await _sides(pairing, program, uow)
    if not mentees or not mentors:
        return None
    me, them = (mentees[0], mentors[0]) if side == Role.MENTEE else (mentors[0], mentees[0])
    return me.in_common_with(them)


async def request_note(pairing_id: UUID, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> str | None:
    """The note the mentee wrote with their request, to its mentor or its mentee (None to anyone else, a coordinator
    included: it was written to the mentor)."""
    async with uow:
        pairing, _, actor = await load(pairing_id, uow, authorize)
        side = pairing.side_of(actor.person_id)
        if side is None or not reads_request_note(side, pairing.status):
            return None
        return await uow.pairings.note_of(pairing_id)


async def meetings(pairing_id: UUID, uow: MatchingUnitOfWorkPort, authorize: Authorize) -> list[dict[str, Any]]:
    """The meetings logged in one pairing, the day met latest first."""
    async with uow:
        await load(pairing_id, uow, authorize)
        return await uow.pairings.meetings_in([pairing_id])


async def meetings_of(person_id: UUID, uow: MatchingUnitOfWorkPort) -> list[dict[str, Any]]:
    """The meetings logged in every pairing of the person (theirs to download), the day met latest first."""
    async with uow:
        return await uow.pairings.meetings_in([p["id"] for p in await uow.pairings.of_person(person_id)])


async def overview(person_id: UUID, uow: MatchingUnitOfWorkPort) -> dict[str, Any]:
    """A person's pairings and their places on the waitlists they wait on, in one call."""
    async with uow:
        return {"pairings": _warned(person_id, await uow.pairings.of_person(person_id)),
                "waiting": await uow.waitlist.places_of(person_id)}


async def not_answering(program_id: UUID, uow: MatchingUnitOfWorkPort) -> list[dict[str, Any]]:
    """The program's mentors and mentees held back for letting proposals or requests lapse unanswered in a row (until
    they resume), mentors first, most lapses first: for a coordinator to reach out to."""
    async with uow:
        return [dict(r) for r in await uow.people.not_answering(program_id, PAUSED_AFTER_UNANSWERED)]


async def mentors_room(program: ProgramRules, person_ids: list[UUID], uow: MatchingUnitOfWorkPort
                       ) -> list[dict[str, Any]]:
    """Of these people, each mentor of the program (not withdrawn, nor suspended): how many mentees they take at once
    as the program counts them (a group program: one group), how many live pairings they hold, and whether they
    paused. For a coordinator choosing a mentor by hand: who is full, or paused, before matching refuses them. A
    person with a mentor enrollment for each kind of pairing counts them all."""
    async with uow:
        rows = await uow.people.mentors_of(program.id, person_ids)
    mentors: dict[UUID, dict[str, Any]] = {}
    for row in rows:
        mentor = mentors.setdefault(row["person_id"], {"person_id": row["person_id"], "capacity": 0,
                                                       "live_pairings": 0, "paused": True})
        mentor["capacity"] += program.room_of(row["capacity"])
        mentor["live_pairings"] += row["live_pairings"]
        mentor["paused"] = mentor["paused"] and row["paused"]
    return list(mentors.values())


async def not_answering_counts(chapter_ids: frozenset[UUID] | None, uow: MatchingUnitOfWorkPort
                               ) -> list[dict[str, Any]]:
    """Per program of these chapters (None: every program), how many `not_answering` names, for programs with any, by
    program id: a coordinator's programs at a glance, in one call."""
    async with uow:
        counts = await uow.people.not_answering_counts(chapter_ids, PAUSED_AFTER_UNANSWERED)
        return [{"program_id": program_id, "people": people} for program_id, people in counts]


async def waiting_counts(chapter_ids: frozenset[UUID] | None, uow: MatchingUnitOfWorkPort) -> list[dict[str, Any]]:
    """Per program of these chapters (None: every program), how many mentees wait on its waitlist, for programs with
    any, by program id: what a coordinator's next round or next mentors are for, at a glance."""
    async with uow:
        return [{"program_id": program_id, "mentees": mentees}
                for program_id, mentees in await uow.waitlist.waiting_counts(chapter_ids)]


async def program_pairings(program_id: UUID, status: str | None, offset: int, limit: int,
                           uow: MatchingUnitOfWorkPort, caller: Principal, chapter_id: UUID | None
                           ) -> tuple[list[dict[str, Any]], int]:
    """A page of the program's pairings; of each still unanswered, the sides whom its lapse would pause
    (`lapse_would_pause`), for a coordinator to reach out to before. Audited."""
    async with uow:
        items, total = await uow.pairings.of_program(program_id, status, offset, limit)
        runs = await runs_of_lapses([i["pairing"] for i in items], uow)
        uow.audit(caller, "pairings.listed", "program", program_id, chapter_id=chapter_id,
                  detail={"status": status, "offset": offset, "limit": limit, "count": len(items)})
        await uow.commit()
        return [{**i, "lapse_would_pause": i["pairing"].paused_if_it_lapses(runs)} for i in items], total


async def program_feedback(program_id: UUID, uow: MatchingUnitOfWorkPort, caller: Principal,
                           chapter_id: UUID | None) -> list[dict[str, Any]]:
    async with uow:
        found = await uow.pairings.feedback_of_program(program_id)
        uow.audit(caller, "feedback.read", "program", program_id, chapter_id=chapter_id,
                  detail={"count": len(found)})
        await uow.commit()
        return found
