"""Registering, updating and erasing people, with an in-memory unit of work."""

from uuid import uuid4

import pytest
from mentorship_contracts import profiles as contract
from mentorship_contracts.vocabulary import Role, Specialty
from mentorship_contracts.vocabulary import TrainingStage as S
from plumbing.auth import Principal
from plumbing.auth import Role as CallerRole
from plumbing.errors import Conflict, Forbidden, NotFound
from profiles.domain import commands
from profiles.domain.model import AlreadyRegistered, PronounsVisibility
from profiles.entrypoints import http
from profiles.service_layer import handlers

from .conftest import STAFF, anyone


def of_type(events, kind):
    return [e for e in events if isinstance(e, kind)]


async def test_registering_announces_ids_publicly_and_contacts_only_on_the_restricted_topic(uow, register):
    person = await register(email="someone@example.org")
    [public] = of_type(uow.published, contract.PersonRegistered)
    [contact] = of_type(uow.published, contract.ContactDetailsChanged)
    assert public.person_id == person.id and public.topic == contract.PEOPLE
    assert contact.email == "someone@example.org" and contact.topic == contract.CONTACTS


async def test_a_person_without_a_time_zone_takes_their_chapters(register):
    assert (await register()).timezone == "America/Chicago"


async def test_the_same_email_cannot_register_twice_whatever_its_case(register):
    await register(email="twice@example.org")
    with pytest.raises(AlreadyRegistered) as refused:
        await register(email="TWICE@example.org")
    assert refused.value.field == "email"


async def test_registering_in_an_unknown_chapter_is_refused_naming_the_chapter(uow):
    with pytest.raises(NotFound) as refused:
        await handlers.register_person(
            commands.RegisterPerson("A", "a@example.org", S.RESIDENT, chapter_id=uuid4()), uow)
    assert refused.value.field == "chapter_id"
    assert uow.published == []


async def test_pronouns_reach_a_partner_only_when_the_person_chose_so(uow, register):
    await register(pronouns="they/them", pronouns_visibility=PronounsVisibility.COORDINATORS)
    [contact] = of_type(uow.published, contract.ContactDetailsChanged)
    assert contact.pronouns_for_partner is None


async def test_an_update_tells_each_audience_only_what_changed_for_it(uow, register):
    person = await register()
    mark = len(uow.published)
    await handlers.update_person(commands.UpdatePerson(person.id, {"pronouns": "she/her"}, person.id), uow, anyone)
    assert [type(e) for e in uow.published_since(mark)] == [contract.ContactDetailsChangedV3]

    mark = len(uow.published)
    changes = {"stage": S.FELLOW, "specialties": [Specialty.GENERAL_SURGERY]}
    await handlers.update_person(commands.UpdatePerson(person.id, changes, person.id), uow, anyone)
    [public] = of_type(uow.published_since(mark), contract.PersonUpdated)
    assert public.changed_fields == ["stage"]
    assert of_type(uow.published_since(mark), contract.MatchingProfileChanged)
    assert not of_type(uow.published_since(mark), contract.ContactDetailsChanged)


async def test_an_update_that_changes_nothing_publishes_nothing(uow, register):
    person = await register(region="Tennessee")
    mark = len(uow.published)
    await handlers.update_person(commands.UpdatePerson(person.id, {"region": "Tennessee"}, person.id), uow, anyone)
    assert uow.published_since(mark) == []


async def test_only_the_person_changes_their_pronouns_or_who_sees_them(uow, register, chapter):
    """Their coordinator, were they let show themself pronouns hidden from coordinators, would read them in the
    answer. Sending the value held is refused too: an answer that differed would confirm a guess."""
    person = await register(pronouns="ze/zir", pronouns_visibility=PronounsVisibility.ONLY_ME)
    coordinator = Principal(subject="coordinator", role=CallerRole.COORDINATOR, person_id=uuid4(),
                            chapter_ids=frozenset({chapter.id}))
    administrator = Principal(subject="admin", role=CallerRole.ADMIN, person_id=uuid4())
    mark = len(uow.published)
    for someone_else in (coordinator, administrator):
        for field, value in (("pronouns_visibility", "partners"), ("pronouns", "ze/zir")):
            with pytest.raises(Forbidden) as refused:
                await http.update_person(person.id, http.PersonChange(**{field: value}), someone_else, uow)
            assert refused.value.field == field
    assert uow.people.items[person.id].pronouns_visibility is PronounsVisibility.ONLY_ME
    assert uow.published_since(mark) == []

    themself = Principal(subject=str(person.id), role=CallerRole.PARTICIPANT, person_id=person.id)
    changed = await http.update_person(person.id, http.PersonChange(pronouns_visibility="coordinators"), themself, uow)
    assert changed.pronouns_visibility is PronounsVisibility.COORDINATORS


async def test_a_person_enrolled_in_a_chapter_program_cannot_move_chapter(uow, register, vetted_program):
    elsewhere = await handlers.define_chapter(commands.DefineChapter("Howard", "America/New_York"), STAFF, uow)
    mentor = await register(S.RESIDENT)
    await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    with pytest.raises(Conflict) as refused:
        await handlers.update_person(commands.UpdatePerson(mentor.id, {"chapter_id": elsewhere.id}, mentor.id), uow, anyone)
    assert refused.value.field == "chapter_id"


async def test_erasing_a_person_forgets_them_here_and_tells_every_other_service(uow, register, vetted_program):
    person = await register(S.MEDICAL_STUDENT_4)
    await handlers.enroll(commands.Enroll(person.id, vetted_program.id, Role.MENTEE), uow, anyone)
    await handlers.erase_person(commands.ErasePerson(person.id), as_themselves(person.id), uow, anyone)
    assert person.id not in uow.people.items
    assert uow.published[-1] == contract.PersonErasedV2(person_id=person.id, event_id=uow.published[-1].event_id,
                                                      occurred_at=uow.published[-1].occurred_at)
    assert erasures_audited(uow) == [], "a person's own erasure is theirs: no trail of it"


async def test_an_administrator_erasing_someone_is_on_the_audit_trail_naming_no_more_than_their_id(uow, register):
    person = await register(S.MEDICAL_STUDENT_4)
    await handlers.erase_person(commands.ErasePerson(person.id), STAFF, uow, anyone)
    [entry] = erasures_audited(uow)
    assert (entry.action, entry.actor, entry.subject_kind, entry.subject_id, entry.detail) == (
        "person.erased", str(STAFF.person_id), "person", str(person.id), {})


async def test_erasures_applied_again_after_a_restore_remove_whom_the_backup_brought_back_and_tell_every_service_again(
        uow, register, vetted_program):
    back = await register(S.MEDICAL_STUDENT_4)  # erased after the backup, which a restore brought back
    await handlers.enroll(commands.Enroll(back.id, vetted_program.id, Role.MENTEE), uow, anyone)
    gone = uuid4()  # erased after the backup too, and signed up after it: no restore brings them back
    held = await handlers.erase_again([back.id, gone, back.id], OPERATOR, uow)
    assert held == 1
    assert back.id not in uow.people.items and not [e for e in uow.enrollments.items.values() if e.person_id == back.id]
    told = of_type(uow.published, contract.PersonErasedV2)
    assert [e.person_id for e in told] == [back.id, gone], "each once: a restored service may hold either again"


async def test_erasing_again_is_audited_as_one_action_that_names_nobody(uow, register):
    themselves = await register(S.MEDICAL_STUDENT_4)  # their own erasure left no trail: this one leaves none either
    await handlers.erase_again([themselves.id, uuid4()], OPERATOR, uow)
    assert erasures_audited(uow) == []
    [entry] = [entry for entry in uow.audited if entry.action == "people.erased_again"]
    assert (entry.actor, entry.subject_id, entry.detail) == (OPERATOR.subject, None, {"erasures": 2, "held_again": 1})


def erasures_audited(uow) -> list:
    return [entry for entry in uow.audited if entry.action == "person.erased"]


OPERATOR = Principal(subject="operator:command-line", role=CallerRole.SERVICE)


def as_themselves(person_id) -> Principal:
    return Principal(subject=str(person_id), role=CallerRole.PARTICIPANT, person_id=person_id)
