"""An operator restates the catalogue (`python -m events restate catalogue`): every event but drafts as the events
service holds it now, published by the running service after what the topic already says of each."""

from plumbing.testing import operator_command

from .test_events_over_http import event_body


async def test_restating_the_catalogue_publishes_each_event_but_drafts_as_it_is_now_after_its_history(
        events_api, events_settings, observe):
    catalogue = await observe("events.catalogue")
    async with events_api.client() as admin:
        async def event(publish: bool = True, **overrides) -> str:
            made = (await admin.post("/v1/events", json=event_body(**overrides))).json()
            if publish:
                assert (await admin.post(f"/v1/events/{made['id']}/publish")).status_code == 200
            return made["id"]

        kept_private, fair = await event(), await event(title="Health careers fair", attendees_public=True)
        called_off, draft = await event(title="Suturing workshop"), await event(publish=False)
        assert (await admin.post(f"/v1/events/{called_off}/cancel", json={})).status_code == 200

    # As an operator runs it: a line per page on standard error, the count at the end.
    ran = await operator_command("events", "restate", "catalogue", database_url=events_settings.database_url)
    assert ran.returncode == 0, ran.err
    assert ran.out == "restated 3 on events.catalogue; the running service publishes them\n"
    assert "events.catalogue: 3 restated so far" in ran.err

    said = {}
    for event_id in (kept_private, fair, called_off):
        *history, restated = await catalogue.wait_for(event_id, 2 if event_id != called_off else 3)
        assert restated["event_type"] == "events.event_restated" and history[0]["event_type"] == "events.event_published"
        said[event_id] = (restated["title"], restated["state"], restated["attendees_public"], restated["revision"])
    assert said == {kept_private: ("Applying while LGBTQ+", "published", False, 0),
                    fair: ("Health careers fair", "published", True, 0),
                    called_off: ("Suturing workshop", "cancelled", False, 1)}
    await catalogue.drain()
    assert catalogue.about(draft) == []
    assert [catalogue.private_data_about(e) for e in (kept_private, fair, called_off)] == [[], [], []]  # no join link
