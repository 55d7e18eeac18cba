"""An operator restates the catalogue (`python -m events restate catalogue`): every event but drafts, as the events
service holds it now, for a consumer whose read model lacks history the topic no longer keeps."""

from datetime import UTC, datetime, timedelta

import pytest
from events.domain import commands
from events.entrypoints import cli
from events.service_layer import handlers
from mentorship_contracts import events as contract

from .test_registration import ORGANISER, SOON, published, register


async def drafted(uow, **overrides):
    return await handlers.create_event(commands.CreateEvent(**{
        "chapter_id": None, "kind": "workshop", "title": "Mentor training", "starts_at": SOON,
        "ends_at": SOON + timedelta(hours=1), "timezone": "America/Chicago", "capacity": 10,
        "registration_deadline": SOON - timedelta(days=1), "location": "Room 3", **overrides}), ORGANISER, uow)


async def test_restating_the_catalogue_says_each_event_but_drafts_as_it_is_now(uow, emitted):
    kept_private = await published(uow, title="Applying while LGBTQ+")
    fair = await published(uow, title="Health careers fair", attendees_public=True)
    await handlers.update_event(commands.UpdateEvent(fair.id, {"capacity": 300}), ORGANISER, uow)
    called_off = await published(uow, title="Suturing workshop")
    await handlers.cancel_event(commands.CancelEvent(called_off.id, "speaker_unavailable"), ORGANISER, uow)
    held = await published(uow, title="Speaker night")
    uow.events.rows[held.id].starts_at = datetime.now(UTC) - timedelta(hours=2)  # it took place
    await handlers.complete_event(commands.CompleteEvent(held.id), ORGANISER, uow)
    draft = await drafted(uow)

    assert await handlers.restate_catalogue(uow) == 4

    restated = {e.scheduled_event_id: e for e in emitted(contract.EventRestated)}
    assert draft.id not in restated
    said = {e: (r.title, r.state, r.attendees_public, r.revision) for e, r in restated.items()}
    assert said == {kept_private.id: ("Applying while LGBTQ+", "published", False, 0),
                    fair.id: ("Health careers fair", "published", True, 1),
                    called_off.id: ("Suturing workshop", "cancelled", False, 1),
                    held.id: ("Speaker night", "completed", False, 0)}
    assert restated[fair.id].capacity == 300  # as it is now, after its update


async def test_the_catalogue_is_restated_a_page_at_a_time(uow, emitted):
    for n in range(5):
        await published(uow, title=f"Session {n}")
    seen: list[int] = []

    assert await handlers.restate_catalogue(uow, page=2, progress=seen.append) == 5

    assert seen == [2, 4, 5]
    assert len({e.scheduled_event_id for e in emitted(contract.EventRestated)}) == 5


def test_the_command_must_be_told_which_database_outside_development_mode(monkeypatch, capsys):
    for variable in ("DATABASE_URL", "EVENTS_DATABASE_URL", "MENTORSHIP_ENV"):
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(SystemExit) as refused:
        cli.main(["restate", "catalogue"])
    assert refused.value.code == 2 and "--database-url" in capsys.readouterr().err


def test_the_command_takes_the_events_services_own_database_before_the_generic_one(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://shared@postgres.example/shared")
    monkeypatch.setenv("EVENTS_DATABASE_URL", "postgresql://events@postgres.example/events")
    taken = []

    async def restate(url, what, progress):
        taken.append(url)
        return 3

    monkeypatch.setattr(cli, "restate", restate)
    assert cli.main(["restate", "catalogue"]) == 0
    assert taken == ["postgresql://events@postgres.example/events"]
    assert capsys.readouterr().out == "restated 3 on events.catalogue; the running service publishes them\n"


async def test_restating_registrations_says_each_as_it_is_now_in_the_order_made_a_private_events_as_its_twin(
        uow, emitted):
    fair = await published(uow, title="Health careers fair", attendees_public=True, capacity=1)
    kept_private = await published(uow, title="Applying while LGBTQ+", capacity=5)
    seated, waiting = await register(uow, fair), await register(uow, fair)
    private = await register(uow, kept_private)
    await handlers.cancel_registration(commands.CancelRegistration(kept_private.id, private.person_id), uow)
    again = await register(uow, kept_private, private.person_id)
    before = len(uow.published)

    assert await handlers.restate_registrations(uow, page=1) == 4

    restated = uow.published[before:]
    said = [(type(r), r.registration_id, r.status) for r in restated]
    public, twin = contract.RegistrationRestated, contract.PrivateRegistrationRestated
    by_event = {fair.id: [(public, seated.id, "confirmed"), (public, waiting.id, "waitlisted")],
                kept_private.id: [(twin, private.id, "cancelled"), (twin, again.id, "confirmed")]}
    assert said == [*by_event[min(fair.id, kept_private.id)], *by_event[max(fair.id, kept_private.id)]]
    assert all(r.registered_at is not None for r in restated)
