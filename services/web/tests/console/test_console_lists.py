"""The console's lists as the services serve them: a coordinator of several chapters names one (the services refuse a
list that does not), and every long list comes a page at a time, the audit trail newest first, so that nothing
beyond the first few hundred is out of reach."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
from web.console.labels import AUDIT_ACTIONS, AUDIT_SUBJECTS

from .fakes import CSRF, E9, ROUND, as_

AUDITED = ("profiles", "matching", "events", "notifications")


def coordinating_both_chapters(world) -> None:
    s = world["s"]
    s.roles[world["coordinator"]["id"]]["coordinator_of"] = [s.chapter, s.other_chapter]


def link(text: str, words: str) -> str | None:
    """The address of the page's link with these words, as a browser follows it."""
    found = re.search(rf'<a href="([^"]+)">{re.escape(words)}</a>', text)
    return unescape(found[1]) if found else None


def select(text: str, name: str) -> str:
    return re.search(rf'<select id="{name}" name="{name}".*?</select>', text, re.S)[0]


# --- a coordinator of several chapters --------------------------------------------------------------------------

async def test_a_coordinator_of_two_chapters_opens_the_participants_a_program_and_a_mentorship(world):
    coordinating_both_chapters(world)
    s, program = world["s"], world["program"]
    async with as_(world, "coordinator")[0] as page:
        for path in ["/console/people", f"/console/programs/{program['id']}",
                     f"/console/pairings/{world['pairing']['id']}"]:
            answer = await page.get(path)
            assert answer.status_code == 200, path
    mentors = [c for c in s.calls_to("profiles", "GET", "/v1/people") if c.params.get("role") == "mentor"]
    assert mentors and {c.params["chapter_id"] for c in mentors} == {program["chapter_id"]}


async def test_a_coordinator_of_two_chapters_sees_their_first_chapters_people_and_chooses_another_not_any(world):
    coordinating_both_chapters(world)
    s = world["s"]
    async with as_(world, "coordinator")[0] as page:
        first = (await page.get("/console/people")).text
        other = (await page.get("/console/people", params={"chapter_id": s.other_chapter})).text
    assert s.calls_to("profiles", "GET", "/v1/people")[0].params["chapter_id"] == s.chapter
    assert "Ben Student" in first and "Sam Elsewhere" not in first
    assert "Sam Elsewhere" in other and "Ben Student" not in other
    chapters = select(first, "chapter_id")
    assert 'value=""' not in chapters and f'<option value="{s.chapter}" selected>' in chapters
    assert f'<option value="{s.other_chapter}" selected>' in select(other, "chapter_id")
    async with as_(world, "admin")[0] as page:
        everyone = (await page.get("/console/people")).text
    assert '<option value="">Any</option>' in select(everyone, "chapter_id")
    assert "Ben Student" in everyone and "Sam Elsewhere" in everyone


# --- the audit trail --------------------------------------------------------------------------------------------

START = datetime(2026, 1, 1, tzinfo=UTC)


def audit_entry(entry_id: int, minute: int, action: str = "person.viewed", note: str = "") -> dict:
    return {"id": entry_id, "at": (START + timedelta(minutes=minute)).isoformat(), "actor": "someone",
            "actor_role": "admin", "action": action, "subject_kind": "chapter", "subject_id": None,
            "chapter_id": None, "detail": {"note": note} if note else {}, "correlation_id": None}


def audit_rows(text: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>.*?</tr>", text.split("<tbody>")[1], re.S)


async def test_the_audit_trail_opens_on_the_newest_entries_of_a_long_trail_with_one_call_per_service(world):
    s = world["s"]
    s.audit["profiles"] = [audit_entry(i, i, "person.viewed" if i < 6000 else "person.suspended")
                           for i in range(1, 6001)]
    async with as_(world, "admin")[0] as page:
        text = (await page.get("/console/audit")).text
    rows = audit_rows(text)
    assert "Suspended a person" in rows[0] and len(rows) == 50
    for service in AUDITED:
        [asked] = s.calls_to(service, "GET", "/v1/audit")
        assert asked.params["newest_first"] == "true" and int(asked.params["limit"]) <= 50
    assert link(text, "Older") and not link(text, "Newer")


async def test_older_and_newer_pages_walk_the_four_services_trails_merged_newest_first(world):
    s = world["s"]
    # Each service numbers its own entries; their times interleave, unevenly.
    for minute in range(130):
        service = ("profiles", "profiles", "matching", "events", "profiles", "notifications")[minute % 6]
        trail = s.audit.setdefault(service, [])
        trail.append(audit_entry(len(trail) + 1, minute, note=f"entry {minute}"))
    seen: list[list[int]] = []
    async with as_(world, "admin")[0] as page:
        address: str | None = "/console/audit"
        while address:
            text = (await page.get(address)).text
            seen.append([int(n) for n in re.findall(r"entry (\d+)", text)])
            address = link(text, "Older")
        back = [seen[-1]]
        address = link(text, "Newer")
        while address:
            text = (await page.get(address)).text
            back.append([int(n) for n in re.findall(r"entry (\d+)", text)])
            address = link(text, "Newer")
    assert [n for shown in seen for n in shown] == list(reversed(range(130)))
    assert [len(shown) for shown in seen] == [50, 50, 30]
    assert back == list(reversed(seen))
    assert len(s.calls_to("profiles", "GET", "/v1/audit")) == len(seen) + len(back) - 1


async def test_the_audit_trails_pages_keep_the_action_chosen(world):
    s = world["s"]
    s.audit["matching"] = [audit_entry(i, i, "round.published" if i % 2 else "pairing.ended", note=f"entry {i}")
                           for i in range(1, 121)]
    async with as_(world, "admin")[0] as page:
        text = (await page.get("/console/audit", params={"action": "round.published"})).text
        older = (await page.get(link(text, "Older"))).text
    assert "action=round.published" in link(text, "Older")
    assert [int(n) for n in re.findall(r"entry (\d+)", older)] == list(range(19, 0, -2))


SERVICES = Path(__file__).resolve().parents[3]
# The subjects the trail links to a page of; every other kind is worded by AUDIT_SUBJECTS.
LINKED_SUBJECTS = {"person", "pairing", "round", "notification", "scheduled_event"}


def audited_in_the_services() -> tuple[set[str], set[str]]:
    """Every action and subject kind the four services write to their audit trails, read from their source: the
    string given as `action` (or `subject_kind`) to `uow.audit` or to any function of theirs passing one on."""
    actions: set[str] = set()
    kinds: set[str] = set()
    for service in AUDITED:
        trees = [ast.parse(path.read_text()) for path in (SERVICES / service / "src").rglob("*.py")]
        # Which argument is the action, for `audit` itself and for each helper that takes one (`_audit_event`, ...).
        takes = {"audit": {"action": 1, "subject_kind": 2}}
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    names = [a.arg for a in node.args.args if a.arg != "self"]
                    if "action" in names:
                        takes.setdefault(node.name, {}).update(
                            {n: names.index(n) for n in ("action", "subject_kind") if n in names})
        for tree in trees:
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                for argument, index in takes.get(name, {}).items():
                    given = [k.value for k in node.keywords if k.arg == argument] or node.args[index:index + 1]
                    found = actions if argument == "action" else kinds
                    found |= {c.value for g in given for c in ast.walk(g)
                              if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return actions, kinds


def test_every_action_and_subject_the_services_audit_has_words_on_the_trail():
    actions, kinds = audited_in_the_services()
    assert {"slot.booked", "registrant.checked_in", "program.defined", "email.sent_again"} <= actions
    assert {"office_hour_slot", "scheduled_event", "enrollment"} <= kinds
    assert sorted(actions - AUDIT_ACTIONS.keys()) == []
    assert sorted(kinds - LINKED_SUBJECTS - AUDIT_SUBJECTS.keys()) == []


@pytest.mark.parametrize("language, words", [
    ("en", ("Booked an office-hour slot for someone", "Checked someone in at an event", "Added a program",
            "an office-hour slot")),
    ("es", ("Reservó una hora de orientación para alguien", "Registró la entrada de alguien a un evento",
            "Agregó un programa", "una hora de orientación"))])
async def test_the_services_newer_actions_and_office_hour_slots_are_worded_on_the_trail(world, language, words):
    s = world["s"]

    def entry(i, action, kind):
        return {**audit_entry(i, i, action), "subject_kind": kind, "subject_id": "x"}
    s.audit = {"events": [entry(1, "slot.booked", "office_hour_slot"), entry(2, "registrant.checked_in", "registration")],
               "profiles": [entry(3, "program.defined", "program")]}
    async with as_(world, "admin", language)[0] as page:
        text = (await page.get("/console/audit")).text.split("<tbody>")[1]
    for said in words:
        assert said in text
    for raw in ("slot.booked", "registrant.checked_in", "program.defined", "office_hour_slot"):
        assert raw not in text


@pytest.mark.parametrize("language, words", [("en", ("a round of Into Medicine", "a round")),
                                             ("es", ("una ronda de Into Medicine", "una ronda"))])
async def test_a_round_on_the_trail_names_its_program_when_the_entry_says_it(world, language, words):
    s, program = world["s"], world["program"]

    def entry(i, action, detail):
        return {**audit_entry(i, i, action), "subject_kind": "round", "subject_id": ROUND, "detail": detail}
    s.audit = {"matching": [entry(1, "round.viewed", {"program_id": program["id"]}),
                            entry(2, "round.published", {})]}
    async with as_(world, "admin", language)[0] as page:
        rows = audit_rows((await page.get("/console/audit")).text)
    named, unnamed = words
    assert f'<a href="/console/rounds/{ROUND}">{unnamed}</a>' in rows[0]
    assert f'<a href="/console/rounds/{ROUND}">{named}</a>' in rows[1]


# --- events -----------------------------------------------------------------------------------------------------

def event_at(s, title: str, starts: datetime, state: str = "published") -> dict:
    event = s.event(title, state=state)
    event.update(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=2)).isoformat())
    return event


async def test_upcoming_events_are_listed_from_now_and_past_ones_do_not_crowd_them_out(world):
    s, now = world["s"], datetime.now(UTC)
    for n in range(250):
        event_at(s, f"Past talk {n}", now - timedelta(days=300 - n))
    event_at(s, "Workshop next month", now + timedelta(days=30))
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/events")).text
    assert "Workshop next month" in text and "Past talk" not in text
    assert "ends_after" in s.calls_to("events", "GET", "/v1/events")[-1].params


async def test_events_under_way_or_over_and_those_of_other_states_come_a_page_at_a_time(world):
    s, now = world["s"], datetime.now(UTC)
    for n in range(60):
        event_at(s, f"Held talk {n:02}", now - timedelta(days=100 - n), state="completed")
        event_at(s, f"Unmarked talk {n:02}", now - timedelta(days=100 - n))
    async with as_(world, "coordinator")[0] as page:
        for status, title in (("completed", "Held talk"), ("over", "Unmarked talk")):
            first = (await page.get("/console/events", params={"status": status})).text
            second = (await page.get(link(first, "Next"))).text
            assert re.findall(rf"{title} (\d+)", first) == [f"{n:02}" for n in range(50)], status
            assert re.findall(rf"{title} (\d+)", second) == [f"{n:02}" for n in range(50, 60)], status
            assert not link(second, "Next") and link(second, "Previous") == f"/console/events?status={status}"


async def test_a_coordinator_of_two_chapters_lists_one_chapters_events_at_a_time(world):
    coordinating_both_chapters(world)
    s, soon = world["s"], datetime.now(UTC) + timedelta(days=10)
    for event in (world["event"], world["other_event"]):
        event.update(starts_at=soon.isoformat(), ends_at=(soon + timedelta(hours=2)).isoformat())
    async with as_(world, "coordinator")[0] as page:
        ours = (await page.get("/console/events")).text
        theirs = (await page.get("/console/events", params={"chapter_id": s.other_chapter, "status": "draft"}))
    assert "Suturing workshop" in ours and "Miami mixer" not in ours
    assert theirs.status_code == 200
    assert s.calls_to("events", "GET", "/v1/events")[-1].params["chapter_id"] == s.other_chapter


# --- a program's mentorships and its mentors ----------------------------------------------------------------

async def test_a_programs_mentorships_come_a_page_at_a_time_of_their_true_total(world):
    s, program = world["s"], world["program"]
    for n in range(60):
        mentee = s.person(f"Mentee {n:02}", stage="undergraduate")
        s.pairing(program, mentee, world["mentor"], created_at=f"2026-02-{1 + n // 24:02}T{n % 24:02}:00:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        first = (await page.get(f"/console/programs/{program['id']}")).text
        second = (await page.get(link(first, "Next"))).text
    assert "61 mentorships." in first
    assert len(re.findall(r'<a href="/console/pairings/', first.split('<h2 id="waitlist">')[0])) == 50
    assert len(re.findall(r'<a href="/console/pairings/', second.split('<h2 id="waitlist">')[0])) == 11
    assert link(second, "Previous") == f"/console/programs/{program['id']}#mentorships"
    assert s.calls_to("matching", "GET", rf"/v1/programs/{program['id']}/pairings")[-1].params["offset"] == "50"


def many_mentors(world, count: int) -> dict:
    """`count` mentors of the program, and one whose name sorts last."""
    s, program = world["s"], world["program"]
    enrolled = [{"id": "e", "program_id": program["id"], "role": "mentor", "approval": "approved",
                 "withdrawn": False, "capacity": 2}]
    for n in range(count):
        s.person(f"Dr. Mentor {n:03}", enrollments=enrolled)
    return s.person("Dr. Zoe Last", enrollments=enrolled)


async def test_pairing_by_hand_finds_any_mentor_of_the_program_by_name(world):
    s, program = world["s"], world["program"]
    last = many_mentors(world, 250)
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get(f"/console/programs/{program['id']}")).text
        found = (await page.get(f"/console/programs/{program['id']}", params={"mentor_q": "zoe"})).text
        refused = await page.post(f"/console/programs/{program['id']}/pairings",
                                  data={"csrf": CSRF, "mentee_id": "", "mentor_id": last["id"], "mentor_q": "zoe"})
    assert "Dr. Zoe Last" not in select(listed, "mentor_id")
    assert "200 of 252 mentors listed" in listed and 'name="mentor_q"' in listed
    assert f'<option value="{last["id"]}" >Dr. Zoe Last (0 of 2 mentees)</option>' in select(found, "mentor_id")
    assert f'<option value="{last["id"]}" selected>Dr. Zoe Last (0 of 2 mentees)</option>' in select(refused.text,
                                                                                                   "mentor_id")
    asked = s.calls_to("profiles", "GET", "/v1/people")[1].params
    assert (asked["q"], asked["chapter_id"], asked["program_id"]) == ("zoe", program["chapter_id"], program["id"])


async def test_reassigning_finds_any_mentor_of_the_program_by_name(world):
    many_mentors(world, 250)
    pairing = world["pairing"]
    async with as_(world, "coordinator")[0] as page:
        listed = (await page.get(f"/console/pairings/{pairing['id']}")).text
        found = (await page.get(f"/console/pairings/{pairing['id']}", params={"mentor_q": "zoe"})).text
    assert "Dr. Zoe Last" not in select(listed, "mentor_id") and 'name="mentor_q"' in listed
    assert "Dr. Zoe Last" in select(found, "mentor_id")


@pytest.mark.parametrize("language, room, full, over, paused", [
    # "full: 1 of 1 mentee", not "full: 1 mentee, room for 1", which read as a place still free.
    ("en", "Dr. Ana Reyes (1 of 2 mentees)", "Dr. Fay Full (full: 1 of 1 mentee)",
     "Dr. Olga Over (full: 2 of 1 mentee)", "Dr. Pat Paused (paused: takes no new mentee for now)"),
    ("es", "Dr. Ana Reyes (1 de 2 personas mentoradas)", "Dr. Fay Full (sin lugar: 1 de 1 persona mentorada)",
     "Dr. Olga Over (sin lugar: 2 de 1 persona mentorada)",
     "Dr. Pat Paused (en pausa: no acepta personas mentoradas nuevas por ahora)")])
async def test_a_mentor_picker_says_the_room_each_mentor_has_so_a_full_or_paused_one_is_not_chosen_unawares(
        world, language, room, full, over, paused):
    s, program = world["s"], world["program"]
    enrolled = {"id": "e", "program_id": program["id"], "role": "mentor", "approval": "approved", "withdrawn": False,
                "capacity": 1}
    fay = s.person("Dr. Fay Full", enrollments=[enrolled])
    s.pairing(program, s.person("Gil Student", stage="undergraduate"), fay, status="proposed")
    olga = s.person("Dr. Olga Over", enrollments=[enrolled])  # paired past her room by an exception
    for mentee in ("Hal Student", "Ida Student"):
        s.pairing(program, s.person(mentee, stage="undergraduate"), olga, status="active")
    s.person("Dr. Pat Paused", enrollments=[{**enrolled, "paused": True}])
    async with as_(world, "coordinator", language)[0] as page:
        by_hand = select((await page.get(f"/console/programs/{program['id']}")).text, "mentor_id")
        reassigning = select((await page.get(f"/console/pairings/{world['pairing']['id']}")).text, "mentor_id")
    offered = re.findall(r"<option value=\"[^\"]+\" >([^<]+)</option>", by_hand)
    assert offered == [room, full, over, paused]
    assert re.findall(r"<option value=\"[^\"]+\" >([^<]+)</option>", reassigning) == [full, over, paused]  # not hers


async def test_a_mentor_picker_names_the_mentors_when_matching_does_not_know_the_program_yet(world):
    s, program = world["s"], world["program"]
    s.unknown_to_matching.add(program["id"])
    async with as_(world, "coordinator")[0] as page:
        by_hand = select((await page.get(f"/console/programs/{program['id']}")).text, "mentor_id")
    assert re.findall(r"<option value=\"[^\"]+\" >([^<]+)</option>", by_hand) == ["Dr. Ana Reyes"]


# --- vetting and the home page's counts ---------------------------------------------------------------------

def pending_mentors(world, count: int) -> None:
    s, program = world["s"], world["program"]
    for n in range(count):
        mentor = s.person(f"Dr. Waiting {n:03}")
        s.enrollments[f"9a7e0c4e-2b51-4c8e-9d55-{n:012}"] = {
            "id": f"9a7e0c4e-2b51-4c8e-9d55-{n:012}", "person_id": mentor["id"], "program_id": program["id"],
            "role": "mentor", "approval": "pending", "capacity": 1, "chapter_id": s.chapter,
            "display_name": mentor["display_name"], "enrolled_at": "2026-12-01T09:00:00+00:00"}


async def test_mentors_to_approve_come_a_page_at_a_time(world):
    pending_mentors(world, 30)
    async with as_(world, "coordinator")[0] as page:
        first = (await page.get("/console/vetting")).text
        second = (await page.get(link(first, "Next"))).text
    assert "31 mentors wait for approval." in first
    assert first.count('<li class="card" id="v-') == 25 and second.count('<li class="card" id="v-') == 6
    assert link(second, "Previous") == "/console/vetting"


async def test_the_home_page_counts_every_mentor_awaiting_approval(world):
    pending_mentors(world, 130)
    async with as_(world, "coordinator")[0] as page:
        home = (await page.get("/console")).text
    assert "131 mentors await your approval in Into Medicine" in home


# --- emails -----------------------------------------------------------------------------------------------------

async def test_the_emails_page_says_when_more_did_not_arrive_than_it_lists_and_how_to_see_them(world):
    s = world["s"]
    for n in range(105):
        s.delivery(world["mentee"], "welcome", "failed", f"2026-02-{1 + n // 24:02}T{n % 24:02}:00:00+00:00")
    async with as_(world, "coordinator")[0] as page:
        text = (await page.get("/console/emails")).text
        home = (await page.get("/console")).text
    assert "Only the newest 100 emails of each kind are listed: more did not arrive." in text
    assert "More than 101 emails did not arrive" in home


@pytest.mark.parametrize("was_approved, said", [(False, "Declined a mentor"), (True, "Suspended a mentor"),
                                                (None, "Declined or suspended a mentor")])
async def test_the_audit_trail_says_a_mentor_was_declined_or_suspended_and_whose_enrollment_in_which_program(
        world, was_approved, said):
    s, mentor, program = world["s"], world["mentor"], world["program"]
    detail = {"person_id": mentor["id"], "program_id": program["id"], "note": "No licence on file",
              **({} if was_approved is None else {"was_approved": was_approved})}
    s.audit = {"profiles": [{"id": 1, "at": "2026-03-01T10:00:00+00:00", "actor": world["admin"]["id"],
                             "actor_role": "admin", "action": "mentor.suspended", "subject_kind": "enrollment",
                             "subject_id": E9, "chapter_id": s.chapter, "detail": detail, "correlation_id": None}]}
    async with as_(world, "admin")[0] as page:
        row = (await page.get("/console/audit")).text.split("<tbody>")[1].split("</tr>")[0]
    assert f"<td>{said}<br>" in row
    assert f'<a href="/console/people/{mentor["id"]}">Dr. Ana Reyes as a mentor in Into Medicine</a>' in row
    assert "an enrollment" not in row


@pytest.mark.parametrize("action, subject_kind, subject, detail, said", [
    ("role.granted", "person", "mentor", {"role": "coordinator"}, "Granted a role: coordinator"),
    ("report.exported", "report", "attendance", {"rows": 3}, "Exported a report: Event attendance"),
    ("people.invited", "program", "program", {"role": "mentee", "invited": 3, "already_invited": 0, "invalid": 1},
     "Invited people: 3 invited as mentees")])
async def test_the_audit_trail_says_which_role_which_report_and_how_many_were_invited(world, action, subject_kind,
                                                                                    subject, detail, said):
    # "Granted a role · Nora North", "Exported a report · a report": which, the trail did not say.
    s = world["s"]
    subject_id = world[subject]["id"] if subject in world else subject
    s.audit = {"profiles": [{"id": 1, "at": "2026-03-01T10:00:00+00:00", "actor": world["admin"]["id"],
                             "actor_role": "admin", "action": action, "subject_kind": subject_kind,
                             "subject_id": subject_id, "chapter_id": s.chapter, "detail": detail,
                             "correlation_id": None}]}
    async with as_(world, "admin")[0] as page:
        row = (await page.get("/console/audit")).text.split("<tbody>")[1].split("</tr>")[0]
    assert f"<td>{said}</td>" in row


@pytest.mark.parametrize("language, was_approved, on_their_page, in_the_list", [
    ("en", False, "Mentor · Declined as a mentor · ", "Mentor, Declined"),
    ("en", True, "Mentor · Suspended as a mentor · ", "Mentor, Suspended"),
    ("en", None, "Mentor · Not approved to mentor (declined, or suspended) · ", "Mentor, Declined or suspended"),
    ("es", False, "Persona mentora · Se rechazó su participación como persona mentora · ",
     "Persona mentora, Rechazado/a"),
    ("es", True, "Persona mentora · Se suspendió su participación como persona mentora · ",
     "Persona mentora, Suspendido/a"),
])
async def test_a_suspended_mentor_is_said_declined_or_suspended_on_their_page_and_in_the_list_and_either_when_unknown(
        world, language, was_approved, on_their_page, in_the_list):
    # Profiles suspends an enrollment both to decline an offer to mentor and to suspend an approved mentor, and says
    # which unless it was suspended before it kept that (null). The list's filter finds both.
    s, mentor = world["s"], world["mentor"]
    enrollment = next(e for e in s.people[mentor["id"]]["enrollments"] if e["role"] == "mentor")
    enrollment.update(approval="suspended", was_approved=was_approved)
    async with as_(world, "coordinator", language)[0] as page:
        theirs = unescape((await page.get(f"/console/people/{mentor['id']}")).text)
        listed = unescape((await page.get("/console/people")).text)
    assert on_their_page in theirs
    assert " · Suspended · " not in theirs and " · Suspendido/a · " not in theirs
    assert f": {in_the_list}</li>" in listed
    filter_said = "Declined or suspended" if language == "en" else "Rechazado/a o suspendido/a"
    assert f'<option value="suspended" >{filter_said}</option>' in listed


@pytest.mark.parametrize("language, active, suspended", [("en", "Active", "Suspended"),
                                                          ("es", "Activa", "Suspendida")])
async def test_the_list_of_peoples_account_filter_says_both_states_of_an_account_alike(world, language, active,
                                                                                      suspended):
    # Spanish said "Activa" of the account and "Suspendido/a" of a person, side by side.
    async with as_(world, "coordinator", language)[0] as page:
        text = unescape((await page.get("/console/people")).text)
    account = text.split('id="suspended"')[1].split("</select>")[0]
    assert f'<option value="false" >{active}</option>' in account
    assert f'<option value="true" >{suspended}</option>' in account


async def test_the_filters_beyond_a_name_stay_folded_until_one_is_chosen_so_a_phone_reaches_whom_they_found(world):
    async with as_(world, "coordinator")[0] as page:
        plain = (await page.get("/console/people")).text
        named = (await page.get("/console/people?q=Ana")).text
        narrowed = (await page.get("/console/people?role=mentor")).text
    assert '<details class="more-filters">' in plain and '<details class="more-filters">' in named
    assert '<details class="more-filters" open>' in narrowed
    assert plain.index('id="q"') < plain.index("More filters") < plain.index('id="role"')


@pytest.mark.parametrize("language, event_said, measure_said", [
    ("en", "Cancelled", '<th scope="col">Completed</th>'), ("es", "Cancelado", '<th scope="col">Completadas</th>')])
async def test_a_word_said_of_an_event_or_a_count_agrees_with_it_in_spanish(world, language, event_said,
                                                                             measure_said):
    # Spanish says an event "Cancelado", a registration "Cancelada", a count of mentorships "Completadas": one
    # English word each, told apart by the context its label gives.
    event = world["event"]
    event["state"] = "cancelled"
    async with as_(world, "coordinator", language)[0] as page:
        an_event = (await page.get(f"/console/events/{event['id']}")).text
        reports = (await page.get("/console/reports")).text
    assert f" · {event_said}</p>" in an_event
    assert "\x04" not in an_event + reports
    assert measure_said in reports


@pytest.mark.parametrize("language, round_said, event_said", [("en", "Published: its pairs were proposed", "Published"),
                                                              ("es", "Publicada: se propusieron sus duplas",
                                                               "Publicado")])
async def test_a_published_round_reads_as_a_round_in_spanish_not_as_an_event(world, language, round_said, event_said):
    s, event = world["s"], world["event"]
    s.rounds[ROUND]["status"] = "published"
    async with as_(world, "coordinator", language)[0] as page:
        a_round = (await page.get(f"/console/rounds/{ROUND}")).text
        an_event = (await page.get(f"/console/events/{event['id']}")).text
    assert f'<p class="lead">{round_said} · ' in a_round
    assert f" · {event_said}</p>" in an_event


@pytest.mark.parametrize("language, one, several", [("en", "1 person found", "people found"),
                                                     ("es", "1 persona encontrada", "personas encontradas")])
async def test_a_search_that_finds_one_person_says_so_in_the_singular(world, language, one, several):
    async with as_(world, "coordinator", language)[0] as page:
        found_one = unescape((await page.get("/console/people", params={"q": "Ben Stud"})).text)
        found_all = unescape((await page.get("/console/people")).text)
    assert f">{one}</h2>" in found_one
    assert re.search(rf">\d+ {several}</h2>", found_all)


async def test_a_coordinator_of_two_chapters_sees_the_stage_of_each_mentor_awaiting_approval(world):
    # Profiles lists people one chapter at a time for them: the vetting page names each chapter it shows.
    coordinating_both_chapters(world)
    s, mentor = world["s"], world["mentor"]
    mentor["stage"] = "fellow"
    mentor["enrollments"].append({"id": E9, "program_id": world["program"]["id"], "role": "mentor",
                                  "approval": "pending", "withdrawn": False, "capacity": 2})
    async with as_(world, "coordinator")[0] as page:
        queue = await page.get("/console/vetting")
    assert queue.status_code == 200 and "<dd>Fellow</dd>" in queue.text
    assert [c.params.get("chapter_id") for c in s.calls_to("profiles", "GET", "/v1/people")] == [s.chapter]


async def test_a_program_filter_that_is_no_programs_id_lists_everyone_as_any_other_unknown_filter_does(world):
    s = world["s"]
    async with as_(world, "coordinator")[0] as page:
        listed = await page.get("/console/people", params={"program_id": "bogus", "stage": "bogus"})
    assert listed.status_code == 200 and "Ben Student" in listed.text
    [asked] = s.calls_to("profiles", "GET", "/v1/people")
    assert not asked.params.get("program_id") and not asked.params.get("stage")
