"""What a page tells a person of their own part is true of them: a mentor whose offer was declined does not read that
they mentor; one who just joined reads what happens next in that program (choose a mentor, wait for a round, or be
told once paired); one for whom no program is open is promised no word of one; the home page's link to office hours
names one's bookings too."""

from __future__ import annotations

import re
from uuid import uuid4

import pytest

from .pages import CSRF, Services, browser
from .test_pages import ME, PERSON, a_program, programs_to_join, text_of

PROGRAM = str(uuid4())
CHAPTER = str(uuid4())


def mentor_in(program: dict, approval: str, capacity: int = 2, **changes) -> Services:
    """The program's page as its services answer a mentor enrolled in it."""
    enrollment = {"id": str(uuid4()), "person_id": ME, "program_id": program["id"], "role": "mentor", "active": True,
                  "pairing_kind": "general", "capacity": capacity, "approval": approval, "paused": False,
                  "paused_because": None, **changes}
    return Services({f"GET /v1/programs/{program['id']}": program, f"GET /v1/people/{ME}/enrollments": [enrollment],
                     f"GET /v1/people/{ME}/pairings": []})


@pytest.mark.parametrize("was_approved, said", [
    (False, "Your offer to mentor in this program was not taken up: nobody is proposed to you here."),
    (True, "Your mentoring in this program is on hold: nobody is proposed to you here."),
    (None, "Your offer to mentor in this program was not taken up, or is on hold: nobody is proposed to you here.")])
async def test_a_mentor_declined_or_on_hold_is_not_told_they_mentor_in_the_program_and_is_told_whom_to_ask(
        was_approved, said):
    of_a_chapter = a_program(PROGRAM, "Premed circle", chapter_id=CHAPTER)
    async with browser(mentor_in(of_a_chapter, "suspended", capacity=1, was_approved=was_approved), ME) as page:
        shown = text_of((await page.get(f"/programs/{PROGRAM}")).text)
    assert "You mentor in this program" not in shown and "mentees at once" not in shown
    assert said in shown
    assert "Ask your chapter's coordinators if you have questions." in shown


async def test_a_mentor_declined_in_a_national_program_is_told_to_ask_the_national_team_and_in_spanish_too():
    national = a_program(PROGRAM, "National mentors", chapter_id=None)
    async with browser(mentor_in(national, "suspended", was_approved=False), ME) as page:
        shown = text_of((await page.get(f"/programs/{PROGRAM}")).text)
    async with browser(mentor_in(national, "suspended", was_approved=False), ME, language="es") as page:
        spanish = text_of((await page.get(f"/programs/{PROGRAM}")).text)
    assert "Ask the national team that runs the programs if you have questions." in shown
    assert "chapter" not in shown.split("Your offer to mentor")[1]
    assert "Eres persona mentora en este programa" not in spanish
    assert "Tu oferta de mentoría en este programa no salió adelante" in spanish


@pytest.mark.parametrize("language, capacity, said", [
    ("en", 1, "You mentor in this program: up to 1 mentee at once."),
    ("en", 3, "You mentor in this program: up to 3 mentees at once."),
    ("es", 1, "Eres persona mentora en este programa: hasta 1 persona mentorada a la vez."),
    ("es", 3, "Eres persona mentora en este programa: hasta 3 personas mentoradas a la vez.")])
async def test_an_approved_mentor_reads_how_many_mentees_they_take_in_the_number_of_that_many(
        language, capacity, said):
    async with browser(mentor_in(a_program(PROGRAM, "Premed circle"), "approved", capacity=capacity), ME,
                       language=language) as page:
        shown = text_of((await page.get(f"/programs/{PROGRAM}")).text)
    assert said in shown


async def test_a_mentor_awaiting_review_is_told_a_coordinator_reviews_their_offer_not_that_they_mentor():
    async with browser(mentor_in(a_program(PROGRAM, "Premed circle"), "pending"), ME) as page:
        shown = text_of((await page.get(f"/programs/{PROGRAM}")).text)
    assert "You mentor in this program" not in shown
    assert ("You offered to mentor in this program. A coordinator reviews your offer to mentor first: we will tell you "
            "by email once they have.") in shown


def joining_from_an_invitation(program: dict) -> Services:
    """Joining one program from an invitation's link, with no interests told yet (so the interests page comes next)."""
    services = programs_to_join(program)
    services.answers.update({f"GET /v1/people/{ME}": PERSON, f"GET /v1/programs/{program['id']}": program})
    return services


async def joined(program: dict, role: str = "mentee", language: str = "en") -> tuple[str, str]:
    """Where joining leads, and the page's words there (and its markup)."""
    services = joining_from_an_invitation(program)
    async with browser(services, ME, language=language, chapter_id=CHAPTER) as page:
        answer = await page.post("/sign-up/enrol", data={"csrf": CSRF, "program_id": program["id"], "role": role,
                                                          "capacity": "2"})
        assert answer.status_code == 303, answer.text
        return answer.headers["location"], (await page.get(answer.headers["location"])).text


PROMISE = "We will tell you by email as soon as you are paired."


async def test_a_mentee_joining_where_mentees_choose_is_told_to_choose_a_mentor_with_a_link_to_the_suggestions():
    where, page = await joined(a_program(PROGRAM, "Premed circle", pairing_mode="mentee_choice"))
    shown = text_of(page)
    assert where.startswith("/sign-up/interests?")
    assert PROMISE not in shown
    assert ("You have joined the program. In this program you choose your mentor: nobody is proposed to you. Ask a "
            "mentor, and they answer.") in shown
    notice = page.split('class="notice ok"')[1].split("</div>")[0]
    assert re.search(rf'<a href="/programs/{PROGRAM}/suggestions">Choose a mentor</a>', notice)


async def test_a_mentor_joining_where_mentees_choose_is_told_mentees_ask_them():
    _, page = await joined(a_program(PROGRAM, "Premed circle", pairing_mode="mentee_choice",
                                     mentor_stages=["undergraduate"]), role="mentor")
    shown = text_of(page)
    assert PROMISE not in shown and "/suggestions" not in page
    assert ("You have joined the program. In this program mentees choose their mentor: we will tell you by email when "
            "one asks you.") in shown


async def test_one_joining_a_program_that_pairs_in_rounds_is_told_a_round_proposes_them_a_mentor_to_accept():
    # A round's pair starts once its mentee accepts it, wherever both need not: "as soon as a round pairs you" was not so.
    _, page = await joined(a_program(PROGRAM, "Premed circle", pairing_mode="rounds"))
    shown = text_of(page)
    assert PROMISE not in shown
    assert ("You have joined the program. Its coordinators pair everyone at once, in rounds: we will email you when a "
            "round proposes you a mentor, to accept.") in shown


@pytest.mark.parametrize("language, said", [
    ("en", "You have joined the program. We will tell you by email as soon as you are paired."),
    ("es", "Te uniste al programa. Te avisaremos por correo en cuanto te asignemos una mentoría.")])
async def test_one_joining_a_program_that_pairs_on_registration_is_still_promised_an_email_once_paired(language, said):
    _, page = await joined(a_program(PROGRAM, "Premed circle"), language=language)
    assert said in text_of(page)


async def test_spanish_where_mentees_choose_and_in_rounds():
    _, choosing = await joined(a_program(PROGRAM, "Premed circle", pairing_mode="mentee_choice"), language="es")
    _, rounds = await joined(a_program(PROGRAM, "Premed circle", pairing_mode="rounds"), language="es")
    assert "En este programa eliges a tu persona mentora" in text_of(choosing)
    assert "Su coordinación asigna todas las mentorías a la vez, por rondas" in text_of(rounds)
    assert "en cuanto te asignemos una mentoría" not in text_of(choosing) + text_of(rounds)


@pytest.mark.parametrize("language, said", [
    ("en", "No program is open to your stage of training right now: check back later. Meanwhile, events and office "
           "hours are open to you."),
    ("es", "Ahora no hay ningún programa abierto a tu etapa de formación: vuelve a mirar más adelante. Mientras tanto, "
           "los eventos y las horas de orientación están abiertos para ti.")])
async def test_one_for_whom_no_program_is_open_is_not_promised_word_of_one_but_sent_to_events_and_office_hours(
        language, said):
    # Nothing tells anyone when a program opens.
    async with browser(programs_to_join(), ME, language=language) as page:
        shown = (await page.get("/sign-up/enrol?signing_up=1")).text
    assert said in text_of(shown)
    assert "We will tell you when one opens" not in shown and "Te avisaremos cuando se abra uno" not in shown
    assert 'href="/events"' in shown.split("<main")[1] and 'href="/office-hours"' in shown.split("<main")[1]


@pytest.mark.parametrize("language, said", [("en", "Office hours you can book, and yours to join"),
                                            ("es", "Horas de orientación que puedes reservar, y las tuyas para unirte")])
async def test_the_home_pages_link_to_office_hours_names_ones_bookings_too(language, said):
    services = Services({"GET /v1/programs": [], f"GET /v1/people/{ME}/overview": {"pairings": [], "waiting": []},
                         f"GET /v1/people/{ME}/partners": [], f"GET /v1/people/{ME}/enrollments": []})
    async with browser(services, ME, language=language) as page:
        home = (await page.get("/")).text
    assert f'<a href="/office-hours">{said}</a>' in home


PROPOSED = "We will email you when a mentor is proposed: you will be asked to accept."


@pytest.mark.parametrize("mode, said", [
    ("on_registration", f"You have joined the program. {PROPOSED}"),
    ("rounds", "You have joined the program. Its coordinators pair everyone at once, in rounds: we will email you when "
               "a round proposes you a mentor, to accept.")])
async def test_a_mentee_joining_where_both_sides_accept_is_told_a_mentor_is_proposed_to_them_to_accept(mode, said):
    # Promised "as soon as you are paired", she was sent a proposal to accept.
    _, page = await joined(a_program(PROGRAM, "Premed circle", pairing_mode=mode, both_must_accept=True))
    shown = text_of(page)
    assert said in shown
    assert PROMISE not in shown and "as soon as a round pairs you" not in shown


async def test_a_mentor_joining_where_both_sides_accept_is_told_a_mentee_is_proposed_to_them_to_accept():
    _, page = await joined(a_program(PROGRAM, "Premed circle", both_must_accept=True,
                                     mentor_stages=["undergraduate"]), role="mentor")
    shown = text_of(page)
    assert "We will email you when a mentee is proposed to you: you will be asked to accept." in shown
    assert PROPOSED not in shown and PROMISE not in shown


async def test_a_mentor_joining_a_program_of_rounds_is_told_a_round_proposes_them_a_mentee():
    _, page = await joined(a_program(PROGRAM, "Premed circle", pairing_mode="rounds",
                                     mentor_stages=["undergraduate"]), role="mentor")
    shown = text_of(page)
    assert "Its coordinators pair everyone at once, in rounds: we will email you when a round proposes you a " \
           "mentee." in shown and "a mentor, to accept" not in shown
