"""Identity attributes: consented separately for matching and for a partner; withdrawn at once; sealed at rest."""

from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag
from mentorship_contracts import profiles as contract
from plumbing.errors import Invalid
from profiles.adapters.person_keys import KeyWrapper
from profiles.adapters.sealing import IdentitySealer, new_key
from profiles.domain import commands
from profiles.domain.model import Identity, IdentityRequest, Purpose
from profiles.domain.model import IdentityAttribute as Attribute
from profiles.service_layer import handlers


def latest(uow, kind):
    return [e for e in uow.published if isinstance(e, kind)][-1]


@pytest.fixture
async def declared(uow, register):
    person = await register()
    await handlers.declare_identity(commands.DeclareIdentity(person.id, {
        "sexual_orientation": Attribute("queer", use_in_matching=True, show_to_partner=False),
        "first_generation": Attribute("first in my family at college", use_in_matching=True, show_to_partner=True),
        "disability": Attribute("deaf", use_in_matching=False, show_to_partner=False),
    }, [IdentityRequest("sexual_orientation", "requirement")]), uow)
    return person


async def test_matching_receives_only_what_was_consented_for_matching(uow, declared):
    profile = latest(uow, contract.MatchingProfileChanged)
    assert profile.identity_for_matching == {"sexual_orientation": "queer",
                                             "first_generation": "first in my family at college"}
    assert profile.identity_requests == [contract.IdentityRequest(attribute="sexual_orientation",
                                                                  strength="requirement")]
    assert profile.topic == contract.MATCHING_PROFILES


async def test_a_partner_is_shown_only_what_was_consented_for_showing(uow, declared):
    assert latest(uow, contract.ContactDetailsChanged).identity_for_partner == {
        "first_generation": "first in my family at college"}


async def test_each_consent_given_is_announced_without_the_attributes_value(uow, declared):
    consents = [e for e in uow.published if isinstance(e, contract.ConsentChanged)]
    assert {(c.attribute, c.purpose, c.granted) for c in consents} == {
        ("sexual_orientation", "matching", True), ("first_generation", "matching", True),
        ("first_generation", "partner", True)}
    assert all("queer" not in c.model_dump_json() for c in consents)


async def test_withdrawing_consent_for_matching_republishes_the_profile_without_it_and_drops_the_request(uow, declared):
    await handlers.withdraw_consent(commands.WithdrawConsent(declared.id, "sexual_orientation", Purpose.MATCHING), uow)
    profile = latest(uow, contract.MatchingProfileChanged)
    assert "sexual_orientation" not in profile.identity_for_matching
    assert profile.identity_requests == []
    consent = latest(uow, contract.ConsentChanged)
    assert (consent.attribute, consent.purpose, consent.granted) == ("sexual_orientation", "matching", False)


async def test_withdrawing_consent_to_show_a_partner_republishes_the_contact_details_without_it(uow, declared):
    await handlers.withdraw_consent(commands.WithdrawConsent(declared.id, "first_generation", Purpose.PARTNER), uow)
    assert latest(uow, contract.ContactDetailsChanged).identity_for_partner == {}
    assert "first_generation" in latest(uow, contract.MatchingProfileChanged).identity_for_matching


async def test_a_request_for_an_attribute_not_consented_for_matching_is_refused_naming_it(uow, declared):
    with pytest.raises(Invalid) as refused:
        await handlers.declare_identity(commands.DeclareIdentity(
            declared.id, {"disability": Attribute("deaf")}, [IdentityRequest("disability", "preference")]), uow)
    assert refused.value.field == "requests.0.attribute"


async def test_an_unknown_attribute_is_refused_naming_it(uow, declared):
    with pytest.raises(Invalid) as refused:
        await handlers.declare_identity(commands.DeclareIdentity(declared.id, {"star_sign": Attribute("leo")}, []), uow)
    assert refused.value.field == "attributes.star_sign"


def test_sealed_attributes_reveal_nothing_and_open_only_for_their_own_person():
    sealer, person = IdentitySealer(new_key()), uuid4()
    identity = Identity({"gender_identity": Attribute("trans woman", use_in_matching=True)})
    sealed = sealer.seal(person, identity)
    assert b"trans" not in sealed and b"gender" not in sealed
    assert sealer.open(person, sealed) == identity
    with pytest.raises(InvalidTag):
        sealer.open(uuid4(), sealed)


def test_the_identity_key_is_read_whether_or_not_its_base64_padding_was_kept():
    """The key check at start accepts a key without its '=' (as many tools print one): so does the sealer."""
    key, person = new_key(), uuid4()
    identity = Identity({"first_generation": Attribute("yes")})
    sealed = IdentitySealer(key).seal(person, identity)
    assert IdentitySealer(key.rstrip("=")).open(person, sealed) == IdentitySealer(key).open(person, sealed)
    assert KeyWrapper(key.rstrip("="))
