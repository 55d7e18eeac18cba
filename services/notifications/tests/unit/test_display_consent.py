"""Once paired, an email shows each side their partner's name, pronouns, bio and address, and says, when the partner
shows a partner something of who they are (`identity_for_partner` on the restricted contacts topic), that there is
more to read on the mentorship's page; never what it is. An email cannot be taken back once the partner withdraws
that consent, or erases their account: the page says it only while they consent. Before then (a proposal, a
mentee's request, one declined) the other is no partner yet: as on the web app's page, an email says why and how to
answer, but neither their name nor anything they show a partner."""

import re
from uuid import uuid4

import pytest
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.email import Renderer
from notifications.adapters.links import Links
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications

POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, welcome_grace_seconds=0)
RENDER = Renderer(Links("https://app.mentorship.example"), UnsubscribeTokens("s" * 32),
                  "Mentorship <no-reply@mentorship.example>")
SHOWN = {"first_generation": "First in my family to go to college", "race_ethnicity": "Afro-Latina"}
LABELS = {"en": ("First in my family to go to college", "Race or ethnicity"),
          "es": ("Primera persona de mi familia en ir a la universidad", "Raza o etnia")}
GENDER_IDENTITY = {"en": "Gender identity", "es": "Identidad de género"}
PROGRAM = "Into Medical School"
# What each would show a partner, besides their identity attributes.
SAM = dict(pronouns_for_partner="they/them", bio_for_partner="Premed at a state school, hoping for emergency medicine.")
ANA = dict(pronouns_for_partner="she/her", bio_for_partner="Emergency medicine resident in Boston.")


async def contact(uow, person, name, language, identity, **shown):
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=person, chapter_id=None, display_name=name, email=f"{person}@example.org",
        identity_for_partner=identity, preferred_language=language, **shown), uow)


def pairing(kind, mentee, mentor, event=ma.PairingProposedV4, **more):
    common = dict(pairing_id=uuid4(), program_id=uuid4(), chapter_id=None, mentee_id=mentee, mentor_id=mentor,
                  score=80, reason_codes=[], pairing_kind="general") | more
    if kind == "proposed":
        return event(**common)
    return ma.PairingConfirmedV4(**common, term_ends_at="2028-01-01T00:00:00Z")


async def emails(uow, *events):
    mailer = FakeMailer()
    for event in events:
        await handlers.program_defined(pr.ProgramDefinedV5(members_public=True,
            program_id=event.program_id, chapter_id=None, name=PROGRAM, mentee_stages=["undergraduate"],
            mentor_stages=["resident"]), uow)
        if isinstance(event, ma.PairingProposed):
            await handlers.pairing_proposed(event, uow)
        elif isinstance(event, ma.PairingDeclined):
            await handlers.pairing_declined(event, uow)
        elif isinstance(event, ma.PairingLapsed):
            await handlers.pairing_lapsed(event, uow)
        else:
            await handlers.pairing_confirmed(event, uow)
    await dispatch_due(lambda: uow, RENDER, mailer, POLICY)
    return {email.to.split("@")[0]: email for email in mailer.sent}


def read(email) -> str:
    return "\n".join((email.subject, email.text, email.html))


def who(person, name, identity, shown, language) -> list[str]:
    """Everything that tells who someone is, as a partner would read it."""
    labels = (*LABELS[language], GENDER_IDENTITY[language]) if identity else ()
    return [name, name.split()[0], str(person), *identity.values(), *labels, *shown.values()]


MORE = {"en": "They chose to share more about who they are with you: read it on your mentorship's page.",
        "es": "Eligió compartir contigo más sobre quién es: léelo en la página de tu mentoría."}


@pytest.mark.parametrize("language", ["en", "es"])
async def test_once_paired_an_email_says_the_partner_shared_who_they_are_never_what_they_shared(language):
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", language, {})
    await contact(uow, mentor, "Ana Reyes", language, SHOWN)
    sent = await emails(uow, pairing("confirmed", mentee, mentor))
    to_mentee, to_mentor = read(sent[str(mentee)]), read(sent[str(mentor)])
    assert MORE[language] in to_mentee
    first_generation, race = LABELS[language]
    for told in (to_mentee, to_mentor):
        assert "Afro-Latina" not in told and race not in told and first_generation not in told
        assert not re.search(r"first_generation|race_ethnicity", told)
    # The mentee showed nothing: the mentor is told of nothing more to read.
    assert MORE[language] not in to_mentor


async def test_after_withdrawing_consent_the_next_pairing_email_says_no_more_that_there_is_more():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {"gender_identity": "Nonbinary"})
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN)
    first = await emails(uow, pairing("confirmed", mentee, mentor))
    assert MORE["en"] in first[str(mentee)].text and MORE["en"] in first[str(mentor)].text
    await contact(uow, mentor, "Ana Reyes", "en", {})
    await contact(uow, mentee, "Sam Okafor", "en", {"religion": "   "})  # an answer of nothing shows nothing
    then = await emails(uow, pairing("confirmed", mentee, mentor))
    assert MORE["en"] not in then[str(mentee)].text and MORE["en"] not in then[str(mentor)].text


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_proposed_pairing_tells_each_side_why_and_how_to_answer_but_nothing_of_who_the_other_is(language):
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", language, {"gender_identity": "Nonbinary"}, **SAM)
    await contact(uow, mentor, "Ana Reyes", language, SHOWN, **ANA)
    proposed = pairing("proposed", mentee, mentor, reason_codes=["specialty_overlap", "support_offered"])
    sent = await emails(uow, proposed)
    to_mentee, to_mentor = read(sent[str(mentee)]), read(sent[str(mentor)])
    for told, other in ((to_mentee, who(mentor, "Ana Reyes", SHOWN, ANA, language)),
                        (to_mentor, who(mentee, "Sam Okafor", {"gender_identity": "Nonbinary"}, SAM, language))):
        assert [said for said in other if said in told] == []
        assert "mailto:" not in told and PROGRAM in told
        assert f"https://app.mentorship.example/mentorships/{proposed.pairing_id}" in told
    if language == "en":
        assert "We propose pairing you with a mentor in Into Medical School." in to_mentee
        assert "your mentor offers the kind of support you asked for" in to_mentee
        assert "We propose pairing you with a mentee in Into Medical School." in to_mentor
        assert "you offer the kind of support your mentee asked for" in to_mentor
        assert "you share an interest in the same specialty" in to_mentor
        assert "name and how to reach them once the mentorship starts" in to_mentee


async def test_once_confirmed_each_side_sees_the_others_name_pronouns_bio_and_address():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {"gender_identity": "Nonbinary"}, **SAM)
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN, **ANA)
    sent = await emails(uow, pairing("confirmed", mentee, mentor))
    to_mentee, to_mentor = read(sent[str(mentee)]), read(sent[str(mentor)])
    assert "Ana Reyes (she/her)" in to_mentee and ANA["bio_for_partner"] in to_mentee
    assert f"mailto:{mentor}@example.org" in to_mentee and "Afro-Latina" not in to_mentee
    assert "Sam Okafor (they/them)" in to_mentor and SAM["bio_for_partner"] in to_mentor
    assert f"mailto:{mentee}@example.org" in to_mentor and "Nonbinary" not in to_mentor


async def test_a_mentee_who_asks_mentor_after_mentor_learns_nothing_of_one_who_declines_or_has_not_answered():
    uow, mentee, declines, silent = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4(), uuid4()
    lee = dict(pronouns_for_partner="he/him", bio_for_partner="Family medicine in rural Maine.")
    await contact(uow, mentee, "Sam Okafor", "en", {}, **SAM)
    await contact(uow, declines, "Ana Reyes", "en", SHOWN, **ANA)
    await contact(uow, silent, "Lee Chen", "en", SHOWN, **lee)
    # In a program where mentees choose, matching tells a mentee's request as a pairing proposed.
    asked = pairing("proposed", mentee, declines)
    declined = ma.PairingDeclinedV2(**asked.model_dump(include={"pairing_id", "program_id", "chapter_id", "mentee_id",
                                                                "mentor_id"}), declined_by="mentor",
                                    reason_code="not_a_good_fit")
    mailer = FakeMailer()
    for event in (asked, pairing("proposed", mentee, silent), declined):
        await (handlers.pairing_declined if event is declined else handlers.pairing_proposed)(event, uow)
    await dispatch_due(lambda: uow, RENDER, mailer, POLICY)
    to_mentee = [read(email) for email in mailer.sent if email.to == f"{mentee}@example.org"]
    assert len(to_mentee) == 3
    mentors = who(declines, "Ana Reyes", SHOWN, ANA, "en") + who(silent, "Lee Chen", SHOWN, lee, "en")
    assert [said for told in to_mentee for said in mentors if said in told] == []
    assert any("The mentorship proposed to you in your program cannot go ahead: the mentor is not able to take it on."
               in " ".join(told.split()) for told in to_mentee)


@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_mentees_request_tells_the_mentee_it_was_sent_and_asks_the_mentor_alone_to_answer(language):
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", language, {"gender_identity": "Nonbinary"}, **SAM)
    await contact(uow, mentor, "Ana Reyes", language, SHOWN, **ANA)
    asked = pairing("proposed", mentee, mentor, event=ma.PairingProposedV5, requested_by_mentee=True,
                    reason_codes=["specialty_overlap"])
    sent = await emails(uow, asked)
    to_mentee, to_mentor = read(sent[str(mentee)]), read(sent[str(mentor)])
    for told, other in ((to_mentee, who(mentor, "Ana Reyes", SHOWN, ANA, language)),
                        (to_mentor, who(mentee, "Sam Okafor", {"gender_identity": "Nonbinary"}, SAM, language))):
        assert [said for said in other if said in told] == []
        assert f"https://app.mentorship.example/mentorships/{asked.pairing_id}" in told
    if language == "en":
        assert sent[str(mentee)].subject == f"Your request for a mentor in {PROGRAM}"
        assert f"You asked a mentor in {PROGRAM} to be your mentor." in to_mentee
        assert "accept or decline" not in to_mentee.lower() and "We propose" not in to_mentee
        assert sent[str(mentor)].subject == f"A mentee asked you to be their mentor in {PROGRAM}"
        assert "Read the request, and any note they sent with it, then accept or decline it." in to_mentor
        assert "you share an interest in the same specialty" in to_mentor


async def test_a_mentee_who_withdraws_their_request_is_told_so_and_the_mentor_that_it_is_withdrawn():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {}, **SAM)
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN, **ANA)
    asked = pairing("proposed", mentee, mentor, event=ma.PairingProposedV5, requested_by_mentee=True)
    withdrawn = ma.PairingDeclinedV2(**asked.model_dump(include={"pairing_id", "program_id", "chapter_id", "mentee_id",
                                                                 "mentor_id"}), declined_by="mentee",
                                     reason_code="request_withdrawn")
    sent = await emails(uow, withdrawn)
    assert f"You withdrew your request for a mentor in {PROGRAM}." in read(sent[str(mentee)])
    to_mentor = read(sent[str(mentor)])
    assert f"The mentee who asked you in {PROGRAM} withdrew their request." in to_mentor
    assert "Sam Okafor" not in to_mentor


@pytest.mark.parametrize("reason_code", ["not_a_good_fit", "reassigned"])
@pytest.mark.parametrize("language", ["en", "es"])
async def test_a_proposal_the_program_withdrew_tells_both_it_is_withdrawn_naming_neither(language, reason_code):
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", language, {"gender_identity": "Nonbinary"}, **SAM)
    await contact(uow, mentor, "Ana Reyes", language, SHOWN, **ANA)
    asked = pairing("proposed", mentee, mentor, event=ma.PairingProposedV5)
    withdrawn = ma.PairingDeclinedV3(**asked.model_dump(include={"pairing_id", "program_id", "chapter_id", "mentee_id",
                                                                 "mentor_id"}), declined_by=None,
                                     declined_by_program=True, reason_code=reason_code)
    sent = await emails(uow, withdrawn)
    to_mentee, to_mentor = read(sent[str(mentee)]), read(sent[str(mentor)])
    for told, other in ((to_mentee, who(mentor, "Ana Reyes", SHOWN, ANA, language)),
                        (to_mentor, who(mentee, "Sam Okafor", {"gender_identity": "Nonbinary"}, SAM, language))):
        assert [said for said in other if said in told] == []
        assert {"en": "Your program's coordinator withdrew the proposed mentorship in",
                "es": "La coordinación de tu programa retiró la mentoría propuesta en"}[language] in told


async def test_of_the_reasons_an_older_event_gives_only_those_anyone_may_read_are_told():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {})
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN)
    # Before version 4, a reason could speak of identity: that one is not told, the others are.
    sent = await emails(uow, pairing("proposed", mentee, mentor, event=ma.PairingProposedV3,
                                     reason_codes=["shared_identity", "same_time_zone"]))
    to_mentee = read(sent[str(mentee)])
    assert "you are in the same time zone" in to_mentee
    assert "identity" not in to_mentee.lower()


async def test_a_proposal_goes_without_waiting_for_the_contact_details_of_the_other_whom_it_does_not_name():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {}, **SAM)  # the mentor's details are still on their way

    sent = await emails(uow, pairing("proposed", mentee, mentor))

    assert "We propose pairing you with a mentor in Into Medical School." in read(sent[str(mentee)])


async def test_a_former_partner_reopening_the_paired_message_reads_nothing_they_show_partners_now():
    """Once a mentorship is over, the other is no partner: the message "you have been paired", opened again in the
    inbox (composed from what is known now), shows no pronouns, bio, identity or address they show a partner today;
    and one not sent yet when the pairing ended is not sent."""
    from datetime import UTC, datetime

    from notifications.adapters.messages import inbox_composer
    from notifications.service_layer import views

    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {})
    await contact(uow, mentor, "Ana Reyes", "en", {})
    confirmed = pairing("confirmed", mentee, mentor)
    await emails(uow, confirmed)
    facts = dict(pairing_id=confirmed.pairing_id, program_id=confirmed.program_id, chapter_id=None,
                 mentee_id=mentee, mentor_id=mentor)
    await handlers.pairing_ended(ma.PairingEndedV2(**facts, ended_by="mentee", reason_code="conduct"), uow)
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN, **ANA)  # shown to her partners from now on

    [item] = [i for i in (await views.inbox(uow, mentee, False, 10, POLICY, datetime.now(UTC), lambda n, s, c: s))[0]
              if i["kind"] == "pairing_confirmed"]
    message = await views.inbox_message(uow, mentee, item["id"], POLICY, datetime.now(UTC),
                                        inbox_composer(Links("https://app.mentorship.example")))
    said = "\n".join([message.subject, *message.paragraphs, *(f"{d.label} {d.value}" for d in message.details)])
    for shown in (*SHOWN.values(), ANA["pronouns_for_partner"], ANA["bio_for_partner"], f"{mentor}@example.org"):
        assert shown not in said
    assert "has ended" in said

    later = pairing("confirmed", mentee, mentor)
    await handlers.pairing_confirmed(later, uow)
    await handlers.pairing_ended(ma.PairingEndedV2(**{**facts, "pairing_id": later.pairing_id}, ended_by="mentee",
                                                   reason_code="conduct"), uow)
    mailer = FakeMailer()
    await dispatch_due(lambda: uow, RENDER, mailer, POLICY)
    # "You have been paired", for a mentorship over before it went, is not sent; that it ended is.
    assert mailer.sent and all(e.subject.startswith("Your mentorship with") for e in mailer.sent)


async def test_a_proposal_left_unanswered_tells_both_it_lapsed_naming_neither():
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {}, **SAM)
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN, **ANA)
    asked = pairing("proposed", mentee, mentor, event=ma.PairingProposedV5)
    lapsed = ma.PairingLapsedV2(**asked.model_dump(include={"pairing_id", "program_id", "chapter_id", "mentee_id",
                                                            "mentor_id"}), reason_code="unanswered")
    sent = await emails(uow, lapsed)
    to_mentee, to_mentor = read(sent[str(mentee)]), read(sent[str(mentor)])
    for told in (to_mentee, to_mentor):
        assert f"The proposed mentorship in {PROGRAM} was not answered in time, so it has lapsed." in told
    assert "can be paired with another mentor" in to_mentee and "Ana Reyes" not in to_mentee
    assert "pause" in to_mentor and "Sam Okafor" not in to_mentor


@pytest.mark.parametrize(("awaiting", "requested", "to_mentee", "to_mentor"), [
    (["mentee", "mentor"], False, f"The proposed mentorship in {PROGRAM} was not answered in time",
     f"The proposed mentorship in {PROGRAM} was not answered in time"),
    (["mentor"], False, f"The mentorship proposed to you in {PROGRAM} has lapsed: the mentor did not answer in time.",
     f"You did not answer the proposed mentorship in {PROGRAM} in time"),
    (["mentee"], False, f"You did not answer the proposed mentorship in {PROGRAM} in time",
     f"The proposed mentee did not answer in time, so the proposed mentorship in {PROGRAM} has lapsed."),
    (["mentor"], True, f"Your request to a mentor in {PROGRAM} was not answered in time, so it has lapsed. Mentors "
                       "are sometimes too busy to answer in time; it is not because of anything about you. You stay "
                       "in the program, and can ask another mentor.",
     f"You did not answer a mentee's request in {PROGRAM} in time, so it has lapsed."),
])
async def test_a_lapse_unanswered_tells_each_side_who_did_not_answer_naming_neither(
        awaiting, requested, to_mentee, to_mentor):
    uow, mentee, mentor = FakeUnitOfWork(notifications=FakeNotifications()), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en", {}, **SAM)
    await contact(uow, mentor, "Ana Reyes", "en", SHOWN, **ANA)
    asked = pairing("proposed", mentee, mentor, event=ma.PairingProposedV5)
    lapsed = ma.PairingLapsedV3(**asked.model_dump(include={"pairing_id", "program_id", "chapter_id", "mentee_id",
                                                            "mentor_id"}), reason_code="unanswered",
                                awaiting=awaiting, requested_by_mentee=requested)
    sent = await emails(uow, lapsed)
    told_mentee, told_mentor = (" ".join(read(sent[str(person)]).split()) for person in (mentee, mentor))
    assert to_mentee in told_mentee and "Ana Reyes" not in told_mentee
    assert to_mentor in told_mentor and "Sam Okafor" not in told_mentor and "pause" in told_mentor
    # Whoever did not answer is told the rule before it applies to them; one who answered is not.
    mentor_warned = "When 2 proposals or requests in a row lapse unanswered, we pause new mentees for you."
    mentee_warned = "When 2 proposals in a row lapse unanswered, we pause mentor proposals for you."
    assert (mentor_warned in told_mentor) == ("mentor" in awaiting) and mentor_warned not in told_mentee
    assert (mentee_warned in told_mentee) == ("mentee" in awaiting) and mentee_warned not in told_mentor
