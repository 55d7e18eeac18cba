"""What profiles publishes: the newest version of each event (closed schemas), and on the restricted contacts topic
the person's preferred language, for the emails notifications writes them."""

from datetime import UTC, datetime

from mentorship_contracts import profiles as contract
from mentorship_contracts import registered_events, sealed_version_of
from mentorship_contracts.vocabulary import Role
from mentorship_contracts.vocabulary import TrainingStage as S
from profiles.domain import commands
from profiles.domain.model import IdentityAttribute, Purpose
from profiles.service_layer import console, handlers

from .conftest import STAFF, anyone


def newest_version(event_type: str) -> type:
    versions = [m for m in registered_events() if m.model_fields["event_type"].default == event_type]
    return max(versions, key=lambda m: m.model_fields["schema_version"].default)


async def test_every_event_published_is_the_newest_version_of_its_type_with_a_closed_schema(
        uow, chapter, vetted_program, register):
    await handlers.change_chapter(commands.ChangeChapter(chapter.id, {"name": "Meharry Medical College"}), STAFF, uow)
    await handlers.change_program(commands.ChangeProgram(vetted_program.id, {"pair_cap": 25}), STAFF, uow, anyone)
    mentor = await register(S.RESIDENT)
    await handlers.update_person(commands.UpdatePerson(mentor.id, {"stage": S.FELLOW, "bio": "Hi"}, mentor.id), uow,
                                 anyone)
    await handlers.declare_identity(commands.DeclareIdentity(
        mentor.id, {"disability": IdentityAttribute("deaf", True, True)}, []), uow)
    await handlers.withdraw_consent(commands.WithdrawConsent(mentor.id, "disability", Purpose.PARTNER), uow)
    enrollment = await handlers.enroll(commands.Enroll(mentor.id, vetted_program.id, Role.MENTOR), uow, anyone)
    await handlers.change_enrollment(commands.ChangeEnrollment(enrollment.id, {"capacity": 2}), uow, anyone)
    await console.approve_mentor(enrollment.id, None, STAFF, uow, anyone)
    await console.suspend_mentor(enrollment.id, None, STAFF, uow, anyone)
    await handlers.withdraw_enrollment(commands.WithdrawEnrollment(enrollment.id), uow, anyone)
    await handlers.request_email_change(
        commands.RequestEmailChange(mentor.id, "new@example.org", datetime.now(UTC), mentor.id), uow)
    await handlers.erase_person(commands.ErasePerson(mentor.id), STAFF, uow, anyone)

    # The restricted ones leave sealed: profiles' unit of work seals them as it commits (tests/integration).
    published = {sealed_version_of(type(event)) or type(event) for event in uow.published}
    assert len({event.event_type for event in uow.published}) == 14  # every kind profiles publishes
    assert {model for model in published if model is not newest_version(model.model_fields["event_type"].default)
            } == set()
    assert all(model.closed_schema for model in published)


async def test_the_contact_details_carry_the_preferred_language_and_null_when_unknown(uow, register):
    await register(email="es@example.org", preferred_language="es")
    await register(email="unsaid@example.org")
    languages = {e.email: e.preferred_language for e in uow.published if isinstance(e, contract.ContactDetailsChanged)}
    assert languages == {"es@example.org": "es", "unsaid@example.org": None}


async def test_changing_the_preferred_language_republishes_the_contact_details(uow, register):
    person = await register()
    mark = len(uow.published)
    await handlers.update_person(commands.UpdatePerson(person.id, {"preferred_language": "en"}, person.id), uow,
                                 anyone)
    [contact] = uow.published_since(mark)
    assert isinstance(contact, contract.ContactDetailsChangedV3) and contact.preferred_language == "en"
