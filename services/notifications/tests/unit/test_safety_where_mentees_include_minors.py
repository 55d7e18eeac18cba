"""A program whose mentees include high-school students (profiles' `mentee_stages`), most of them minors, sends each
side of a new pair the other's name and email address: the mentee is told to talk to an adult she trusts if anything
worries her, and the mentor to meet online or somewhere public and to tell the coordinators of any concern.
Notifications does not know a person's stage, only the program's: it keeps whether its mentees include high school."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.service_layer import handlers

from .test_what_people_receive import NOW, flat, new_uow, person, sent

TO_THE_MENTEE = {
    "en": "If anything about this mentorship worries you, talk to a parent or another adult you trust; your "
          "mentorship's page also says whom to tell.",
    "es": "Si algo de esta mentoría te preocupa, habla con tu madre, tu padre u otra persona adulta de confianza; la "
          "página de tu mentoría también indica a quién avisar.",
}
TO_THE_MENTOR = {
    "en": "Mentees in this program include high-school students, most of them minors: meet online or somewhere "
          "public, and tell the program's coordinators if anything concerns you.",
    "es": "Entre las personas mentoradas de este programa hay estudiantes de preparatoria, en su mayoría menores de "
          "edad: reúnete en línea o en un lugar público, y avisa a la coordinación del programa si algo te "
          "preocupa.",
}
SAID = [*TO_THE_MENTEE.values(), *TO_THE_MENTOR.values()]


async def paired(mentee_stages: list[str] | None, language: str = "en", waited: bool = False) -> dict[str, object]:
    """The emails the mentee and the mentor of a pair confirmed in Into Medical School receive, by role, when its
    mentees are of `mentee_stages` (None: the program was saved before notifications kept whether they include high
    school); `waited`: the mentee was on the waitlist first."""
    uow = new_uow()
    mentee = await person(uow, "Sam Okafor", language=language)
    mentor = await person(uow, "Ana Reyes", language=language)
    program = uuid4()
    if mentee_stages is None:
        await uow.notifications.save_program(program, None, "Into Medical School", 30, 60, "on_registration",
                                             members_public=True, both_must_accept=True)
    else:
        await handlers.program_defined(pr.ProgramDefinedV5(
            program_id=program, chapter_id=None, name="Into Medical School", mentee_stages=mentee_stages,
            mentor_stages=["resident"], both_must_accept=True, members_public=True), uow)
    if waited:
        await handlers.mentee_waitlisted(ma.MenteeWaitlistedV3(
            enrollment_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, position=1,
            pairing_kind="general"), uow)
        await sent(uow)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(
        pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor, score=80,
        reason_codes=[], pairing_kind="general", term_ends_at=NOW + timedelta(days=365)), uow)
    emails = {m.to: m for m in await sent(uow)}
    return {role: emails[uow.notifications.contacts[someone]["email"]]
            for role, someone in (("mentee", mentee), ("mentor", mentor))}


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("waited", [False, True], ids=["paired", "paired off the waitlist"])
async def test_a_mentee_paired_in_a_program_with_high_school_mentees_is_told_to_talk_to_an_adult_she_trusts(
        language, waited):
    told = await paired(["high_school", "undergraduate"], language, waited)

    text = flat(told["mentee"].text)
    assert TO_THE_MENTEE[language] in text, text
    assert TO_THE_MENTOR[language] not in text
    assert told["mentee"].subject.startswith(("Off the waitlist", "Terminó tu espera")) is waited


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentor_paired_in_a_program_with_high_school_mentees_is_told_to_meet_in_the_open_and_whom_to_tell(
        language):
    told = await paired(["high_school"], language)

    text = flat(told["mentor"].text)
    assert TO_THE_MENTOR[language] in text, text
    assert TO_THE_MENTEE[language] not in text


async def test_the_safety_lines_come_after_the_first_steps_in_the_text_and_in_the_html():
    told = await paired(["high_school"])

    for role, line in (("mentee", TO_THE_MENTEE["en"]), ("mentor", TO_THE_MENTOR["en"])):
        text = flat(told[role].text)
        assert text.index("Either of you may write first") < text.index(line)
        assert "talk to a parent or another adult you trust" in told[role].html or role == "mentor"
        assert "meet online or somewhere public" in told[role].html or role == "mentee"


@pytest.mark.parametrize("mentee_stages", [["undergraduate", "post_baccalaureate"], None],
                         ids=["no high-school mentees", "saved before it was kept"])
@pytest.mark.parametrize("waited", [False, True], ids=["paired", "paired off the waitlist"])
async def test_a_pair_in_a_program_without_high_school_mentees_or_not_known_to_have_them_is_told_nothing_of_safety(
        mentee_stages, waited):
    told = await paired(mentee_stages, waited=waited)

    for email in told.values():
        text = flat(email.text)
        assert "Either of you may write first" in text
        assert not any(line in text for line in SAID), text


@pytest.mark.parametrize("include", [True, False])
async def test_a_programs_definition_keeps_whether_its_mentees_include_high_school_and_a_new_one_replaces_it(include):
    uow = new_uow()
    defined = dict(program_id=uuid4(), chapter_id=None, name="Into Medical School", mentor_stages=["resident"])
    stages = (["high_school", "undergraduate"], ["undergraduate"])
    await handlers.program_defined(pr.ProgramDefined(**defined, mentee_stages=stages[include]), uow)
    await handlers.program_defined(pr.ProgramDefinedV5(**defined, mentee_stages=stages[not include]), uow)

    assert uow.notifications.programs[defined["program_id"]]["mentees_include_minors"] is include


@pytest.mark.parametrize("language, video_only, either", [
    ("en", "(a video call is fine)", "(a video or phone call is fine)"),
    ("es", "(por videollamada está bien)", "(por videollamada o teléfono está bien)")])
async def test_where_mentees_include_high_school_students_the_first_steps_suggest_a_video_call_not_a_phone_call(
        language, video_only, either):
    # "A video or phone call is fine" invited swapping phone numbers with a minor, whose pages say to keep it out.
    with_minors = await paired(["high_school"], language)
    without = await paired(["undergraduate"], language)

    for email in with_minors.values():
        assert video_only in flat(email.text) and either not in flat(email.text)
    for email in without.values():
        assert either in flat(email.text)
