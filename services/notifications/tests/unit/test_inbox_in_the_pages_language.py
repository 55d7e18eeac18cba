"""The inbox in the language of the page that shows it: a reader who just switched the site's language reads their
messages in it at once, before notifications learns the new preference from profiles' event."""

from datetime import UTC, datetime, timedelta
from typing import get_args
from uuid import uuid4

import httpx
from mentorship_contracts import matching as ma
from mentorship_contracts import profiles as pr
from notifications.adapters.email import Renderer
from notifications.adapters.i18n import LANGUAGES
from notifications.adapters.links import Links
from notifications.adapters.unsubscribe import UnsubscribeTokens
from notifications.bootstrap import build_app
from notifications.config import NotificationsSettings
from notifications.service_layer import handlers
from notifications.service_layer.dispatch import DispatchPolicy, dispatch_due
from plumbing import auth
from plumbing.settings import new_secret_key
from plumbing.testing import FakeUnitOfWork

from .fakes import FakeMailer, FakeNotifications

KEYS = auth.SigningKeys.generate()
SETTINGS = NotificationsSettings(
    jwt_public_key=KEYS.public_pem, kafka_sasl_username="notifications", kafka_sasl_password="a-password",
    service_key=new_secret_key(), kafka_bootstrap_servers="kafka.example:9093",
    database_url="postgresql://notifications:a-password@postgres.example/notifications", smtp_host="smtp-relay",
    mail_from="Mentorship <no-reply@mentorship.example>", web_base_url="https://app.mentorship.example",
    profiles_url="http://profiles:8000", link_signing_key=new_secret_key())
POLICY = DispatchPolicy(retry_base_seconds=0, context_wait_seconds=0, access_link_grace_seconds=0, welcome_grace_seconds=0)
LINKS = Links("https://app.mentorship.example")
RENDER = Renderer(LINKS, UnsubscribeTokens("s" * 32), "Mentorship <no-reply@mentorship.example>")


async def contact(uow, person, name: str, language: str) -> None:
    await handlers.contact_details_changed(pr.ContactDetailsChangedV3(
        person_id=person, chapter_id=None, display_name=name, email=f"{person}@example.org",
        timezone="America/Chicago", preferred_language=language), uow)


async def a_mentee_told_in_english_of_their_pairing():
    uow = FakeUnitOfWork(notifications=FakeNotifications())
    mentee, mentor, program = uuid4(), uuid4(), uuid4()
    await contact(uow, mentee, "Sam Okafor", "en")
    await contact(uow, mentor, "Ana Reyes", "en")
    await handlers.program_defined(pr.ProgramDefinedV5(
        members_public=True, program_id=program, chapter_id=None, name="Into Medical School",
        mentee_stages=["undergraduate"], mentor_stages=["resident"]), uow)
    await handlers.pairing_confirmed(ma.PairingConfirmedV4(
        pairing_id=uuid4(), program_id=program, chapter_id=None, mentee_id=mentee, mentor_id=mentor, score=80,
        reason_codes=[], pairing_kind="general", term_ends_at=datetime.now(UTC) + timedelta(days=300)), uow)
    await dispatch_due(lambda: uow, RENDER, FakeMailer(), POLICY)
    return uow, mentee


def api(uow, person_id) -> httpx.AsyncClient:
    app = build_app(SETTINGS)
    app.state.new_unit_of_work = lambda: uow
    app.state.dispatch_policy = POLICY
    token = auth.mint(KEYS.private_pem, audience="notifications", role="participant", person_id=person_id)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://notifications",
                             headers={"Authorization": f"Bearer {token}"})


async def test_the_language_the_page_asks_for_wins_over_the_one_notifications_knows_for_the_list_and_a_message():
    uow, mentee = await a_mentee_told_in_english_of_their_pairing()
    async with api(uow, mentee) as http:
        known = (await http.get(f"/v1/people/{mentee}/inbox")).json()
        asked = (await http.get(f"/v1/people/{mentee}/inbox", params={"language": "es"})).json()
        [item] = asked["items"]
        opened = (await http.get(f"/v1/people/{mentee}/inbox/{item['id']}", params={"language": "es"})).json()
        opened_as_known = (await http.get(f"/v1/people/{mentee}/inbox/{item['id']}")).json()

    assert [i["subject"] for i in known["items"]] == ["Your new mentor: Ana Reyes"]
    assert item["subject"] == "Tu nueva persona mentora: Ana Reyes"
    assert opened["subject"] == "Tu nueva persona mentora: Ana Reyes"
    assert opened["paragraphs"] != opened_as_known["paragraphs"]
    assert opened_as_known["subject"] == "Your new mentor: Ana Reyes"
    # Its links say the page's language too.
    assert opened["action"] and "lang=es" in opened["action"]["url"]


async def test_a_language_notifications_does_not_speak_is_refused_naming_the_field():
    uow, mentee = await a_mentee_told_in_english_of_their_pairing()
    async with api(uow, mentee) as http:
        [item] = (await http.get(f"/v1/people/{mentee}/inbox")).json()["items"]
        refused = [await http.get(f"/v1/people/{mentee}/inbox", params={"language": "fr"}),
                   await http.get(f"/v1/people/{mentee}/inbox/{item['id']}", params={"language": "fr"})]

    for answer in refused:
        assert answer.status_code == 422
        assert answer.json()["error"]["field"] == "language"


def test_the_languages_the_inbox_may_be_asked_in_are_those_notifications_has_catalogues_for():
    from notifications.entrypoints.http import Language

    assert set(get_args(Language)) == set(LANGUAGES)
