"""An email address changes only once confirmed from that address, and the answer to a request never says whether
the address is someone else's."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
from mentorship_contracts import profiles as contract
from plumbing.auth import Principal
from plumbing.auth import Role as CallerRole
from plumbing.errors import Forbidden, Invalid
from profiles.domain import commands
from profiles.domain.model import EMAIL_CHANGE_VALID_FOR, EmailChangeNotConfirmed
from profiles.entrypoints import http
from profiles.service_layer import handlers

from .conftest import STAFF, anyone

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def requested(uow) -> list[contract.EmailChangeRequested]:
    return [e for e in uow.published if isinstance(e, contract.EmailChangeRequested)]


def token_in(event: contract.EmailChangeRequested) -> str:
    link = urlsplit(event.confirmation_path)
    assert link.path == contract.EMAIL_CONFIRMATION_PAGE
    [token] = parse_qs(link.query)["token"]
    return token


async def request(uow, person, email: str, at: datetime = NOW) -> str:
    """Ask for the change; the token, as the email to the new address carries it."""
    await handlers.request_email_change(commands.RequestEmailChange(person.id, email, at, person.id), uow)
    return token_in(requested(uow)[-1])


async def confirm(uow, token: str, by, at: datetime = NOW + timedelta(minutes=5)):
    return await handlers.confirm_email_change(commands.ConfirmEmailChange(token, by.id, at), uow)


async def test_a_requested_change_takes_no_effect_and_a_link_goes_to_the_new_address_only(uow, register):
    person = await register(email="old@example.org", preferred_language="es")
    mark = len(uow.published)
    token = await request(uow, person, "new@example.org")

    assert uow.people.items[person.id].email == "old@example.org"
    [event] = uow.published_since(mark)  # nothing else: the contact details stay as they are
    assert isinstance(event, contract.EmailChangeRequested) and event.topic == contract.CONTACTS
    assert (event.person_id, event.new_email, event.preferred_language) == (person.id, "new@example.org", "es")
    assert event.expires_at == NOW + EMAIL_CHANGE_VALID_FOR
    # Kept only as a digest: a copy of the database confirms nothing.
    [stored] = uow.email_changes.items.values()
    assert token.encode() not in stored.token_digest and token not in repr(stored)


async def test_only_the_person_asks_to_change_their_address(uow, register, chapter):
    """Anyone else could have the link sent to an address of theirs: the person clicking it would hand them the
    account."""
    person = await register(email="old@example.org")
    for someone_else in (
        Principal(subject="coordinator", role=CallerRole.COORDINATOR, person_id=uuid4(),
                  chapter_ids=frozenset({chapter.id})),
        Principal(subject="admin", role=CallerRole.ADMIN, person_id=uuid4()),
        Principal(subject="web", role=CallerRole.SERVICE),
    ):
        with pytest.raises(Forbidden):
            await http.request_email_change(person.id, http.EmailChangeIn(email="mine@example.org"), someone_else,
                                            uow)
    assert uow.email_changes.items == {} and requested(uow) == []


async def test_confirming_from_the_new_address_changes_it_and_tells_notifications(uow, register):
    person = await register(email="old@example.org")
    token = await request(uow, person, "new@example.org")
    mark = len(uow.published)

    confirmed = await confirm(uow, token, person)

    assert confirmed.email == uow.people.items[person.id].email == "new@example.org"
    [contact] = uow.published_since(mark)
    assert isinstance(contact, contract.ContactDetailsChangedV3) and contact.email == "new@example.org"
    assert uow.email_changes.items == {}


async def test_a_token_confirms_once(uow, register):
    person = await register()
    token = await request(uow, person, "new@example.org")
    await confirm(uow, token, person)
    with pytest.raises(EmailChangeNotConfirmed):
        await confirm(uow, token, person)


async def test_a_token_expires(uow, register):
    person = await register(email="old@example.org")
    token = await request(uow, person, "new@example.org")
    with pytest.raises(EmailChangeNotConfirmed):
        await confirm(uow, token, person, at=NOW + EMAIL_CHANGE_VALID_FOR)
    assert uow.people.items[person.id].email == "old@example.org"


async def test_a_new_request_replaces_the_one_pending(uow, register):
    person = await register()
    first = await request(uow, person, "first@example.org")
    second = await request(uow, person, "second@example.org")
    with pytest.raises(EmailChangeNotConfirmed):
        await confirm(uow, first, person)
    assert (await confirm(uow, second, person)).email == "second@example.org"


async def test_only_the_person_confirms_their_change(uow, register):
    person, someone_else = await register(), await register()
    token = await request(uow, person, "new@example.org")
    with pytest.raises(EmailChangeNotConfirmed):
        await confirm(uow, token, someone_else)
    assert (await confirm(uow, token, person)).email == "new@example.org"


async def test_asking_for_an_address_someone_has_is_answered_and_announced_exactly_like_any_other(uow, register):
    await register(email="taken@example.org")
    person = await register()

    taken = await handlers.request_email_change(
        commands.RequestEmailChange(person.id, "TAKEN@example.org", NOW, person.id), uow)
    free = await handlers.request_email_change(
        commands.RequestEmailChange(person.id, "free@example.org", NOW, person.id), uow)

    assert (taken.expires_at, type(taken)) == (free.expires_at, type(free))
    assert [type(e) for e in requested(uow)] == [contract.EmailChangeRequested] * 2


async def test_confirming_an_address_taken_meanwhile_fails_saying_no_more_than_a_bad_token(uow, register):
    person = await register()
    token = await request(uow, person, "wanted@example.org")
    await register(email="Wanted@example.org")

    with pytest.raises(EmailChangeNotConfirmed) as taken:
        await confirm(uow, token, person)
    with pytest.raises(EmailChangeNotConfirmed) as bogus:
        await confirm(uow, "not-a-token", person)
    assert (str(taken.value), taken.value.field) == (str(bogus.value), bogus.value.field) == (
        "could not confirm this email change", "token")


async def test_an_email_is_not_changed_by_updating_the_profile(uow, register):
    person = await register(email="old@example.org")
    with pytest.raises(Invalid) as refused:
        await handlers.update_person(commands.UpdatePerson(person.id, {"email": "new@example.org"}, person.id), uow,
                                     anyone)
    assert refused.value.field == "email"


async def test_erasing_a_person_forgets_their_pending_change(uow, register):
    person = await register()
    await request(uow, person, "new@example.org")
    await handlers.erase_person(commands.ErasePerson(person.id), STAFF, uow, anyone)
    assert uow.email_changes.items == {}


async def test_expired_changes_are_forgotten(uow, register):
    person, other = await register(), await register()
    await request(uow, person, "new@example.org")
    await request(uow, other, "other@example.org", at=NOW + timedelta(hours=1))
    assert await handlers.forget_expired_email_changes(NOW + EMAIL_CHANGE_VALID_FOR, uow) == 1
    assert list(uow.email_changes.items) == [other.id]
