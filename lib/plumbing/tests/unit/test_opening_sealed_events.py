"""A consumer opens sealed events with the keys profiles gives it, before its handlers run; an erased person's events
are skipped as applied (no dead letter); while profiles cannot answer, it waits and asks again, and skips nothing."""

import base64
import logging
from uuid import UUID, uuid4

import httpx
import pytest
from aiokafka.structs import ConsumerRecord
from mentorship_contracts import IntegrationEvent
from mentorship_contracts import events as events_contract
from mentorship_contracts import profiles as contract
from plumbing.consumer import EventConsumer, RetryPolicy
from plumbing.metrics import Metrics
from plumbing.person_keys import KeysUnavailable, PersonKeys, sealed
from plumbing.personal_data import new_data_key, open_event, seal_event
from plumbing.settings import new_secret_key

from .test_consumer_logs import Lines


class FakeBroker:
    def __init__(self) -> None:
        self.published: list[tuple[bytes, str]] = []

    async def publish(self, value, topic, **_) -> None:
        self.published.append((value, topic))


class Profiles:
    """Profiles' data-key endpoint: the keys it holds; `down` times it fails first."""

    def __init__(self, keys: dict[UUID, tuple[str, bytes]], down: int = 0) -> None:
        self.keys, self.down, self.asked = keys, down, 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked += 1
        assert request.headers["authorization"].startswith("Bearer ")
        if self.down:
            self.down -= 1
            raise httpx.ConnectError("profiles is down")
        wanted = [UUID(p) for p in request.url.params.get_list("person_id")]
        return httpx.Response(200, json={"keys": [
            {"person_id": str(p), "key_id": self.keys[p][0], "key": base64.urlsafe_b64encode(self.keys[p][1]).decode()}
            for p in wanted if p in self.keys]})


def record(event: IntegrationEvent, offset: int = 0) -> ConsumerRecord:
    return ConsumerRecord(event.topic, 0, offset, 0, 0, event.key.encode(), event.to_json(), None, 0, 0, [])


def a_contact(name: str) -> contract.ContactDetailsChangedV3:
    return contract.ContactDetailsChangedV3(person_id=uuid4(), chapter_id=None, display_name=name,
                                            email=f"{name.lower()}@example.org")


def consumer_with(profiles: Profiles, metrics: Metrics | None = None) -> tuple[EventConsumer, FakeBroker, list]:
    broker, applied = FakeBroker(), []

    async def handle(event, transaction) -> None:
        applied.append(event)

    keys = PersonKeys("http://profiles", service="notifications", service_key=new_secret_key(),
                      transport=httpx.MockTransport(profiles))
    consumer = EventConsumer(group="notifications", handlers={contract.ContactDetailsChanged: handle},
                             pool_provider=lambda: None, broker=broker,  # type: ignore[arg-type]
                             metrics=metrics or Metrics("notifications"),
                             retry=RetryPolicy(5, 0.001), person_keys=keys)

    async def apply_batch(batch) -> None:  # the inbox transaction is the database's business: see tests/integration
        applied.extend(event for _, event, _ in batch)

    consumer._apply_batch = apply_batch  # type: ignore[method-assign]
    return consumer, broker, applied


async def test_a_sealed_event_reaches_the_handler_opened_into_its_clear_version():
    kept, key = a_contact("Kept"), new_data_key()
    profiles = Profiles({kept.person_id: ("k1", key)})
    consumer, broker, applied = consumer_with(profiles)
    await consumer.consume((record(seal_event(kept, "k1", key)),))
    assert applied == [kept] and broker.published == []


async def test_a_sealed_event_of_an_erased_person_is_skipped_as_applied_without_a_dead_letter():
    erased, kept = a_contact("Erased"), a_contact("Kept")
    erased_key, kept_key = new_data_key(), new_data_key()
    profiles = Profiles({kept.person_id: ("k2", kept_key)})  # the erased person's key is gone
    consumer, broker, applied = consumer_with(profiles)
    await consumer.consume((record(seal_event(erased, "k1", erased_key), 0), record(seal_event(kept, "k2", kept_key), 1)))
    assert applied == [kept]
    assert broker.published == []
    assert consumer._metrics.consumed.labels(topic="profiles.contacts", outcome="erased")._value.get() == 1


async def test_while_profiles_cannot_answer_the_consumer_waits_and_asks_again_and_skips_nothing():
    person, key = a_contact("Patient"), new_data_key()
    profiles = Profiles({person.person_id: ("k", key)}, down=3)
    consumer, broker, applied = consumer_with(profiles)
    await consumer.consume((record(seal_event(person, "k", key)),))
    assert profiles.asked == 4
    assert applied == [person] and broker.published == []


async def test_while_the_consumer_waits_for_data_keys_a_gauge_says_so_for_the_operators_alert():
    # A rotated service key profiles does not trust yet is answered 401 for ever: the consumer waits, not idle, far
    # from any lag threshold, and every topic it reads waits behind it.
    person, key = a_contact("Waiting"), new_data_key()
    metrics = Metrics("notifications")
    profiles = Profiles({person.person_id: ("k", key)}, down=3)
    waiting = []

    def watched(request: httpx.Request) -> httpx.Response:
        waiting.append(metrics.registry.get_sample_value("data_keys_waiting"))
        return profiles(request)

    consumer, _, applied = consumer_with(watched, metrics)  # type: ignore[arg-type]
    await consumer.consume((record(seal_event(person, "k", key)),))
    assert waiting == [0, 1, 1, 1] and applied == [person]
    assert metrics.registry.get_sample_value("data_keys_waiting") == 0


async def test_keys_are_kept_briefly_so_a_person_s_events_cost_one_request():
    person, key = a_contact("Often"), new_data_key()
    profiles = Profiles({person.person_id: ("k", key)})
    consumer, _, applied = consumer_with(profiles)
    for offset in range(3):
        await consumer.consume((record(seal_event(person, "k", key), offset),))
    assert len(applied) == 3 and profiles.asked == 1


async def test_a_sealed_event_that_does_not_open_with_the_person_s_key_is_dead_lettered():
    person, key = a_contact("Forged"), new_data_key()
    profiles = Profiles({person.person_id: ("k", key)})
    consumer, broker, applied = consumer_with(profiles)
    await consumer.consume((record(seal_event(person, "k", new_data_key())),))
    assert applied == [] and [topic for _, topic in broker.published] == ["notifications.dead-letters"]


def a_removal(person_id: UUID, reason: str | None = "Registered twice") -> events_contract.RegistrantRemoved:
    return events_contract.RegistrantRemoved(registration_id=uuid4(), scheduled_event_id=uuid4(), chapter_id=None,
                                             person_id=person_id, reason=reason, held_seat=True)


async def test_a_publisher_besides_profiles_seals_under_the_persons_key_leaves_out_an_erased_persons_and_the_rest_as_is():
    kept, erased, key = uuid4(), uuid4(), new_data_key()
    keys = PersonKeys("http://profiles", service="events", service_key=new_secret_key(),
                      transport=httpx.MockTransport(Profiles({kept: ("k1", key)})))
    unsealed = contract.PersonRegisteredV2(person_id=kept, chapter_id=None, stage="undergraduate")  # no sealed version

    published = await sealed([a_removal(kept), unsealed, a_removal(erased)], keys)

    assert [type(e) for e in published] == [events_contract.RegistrantRemovedV2, contract.PersonRegisteredV2]
    assert "Registered twice" not in published[0].to_json().decode()
    assert open_event(published[0], key).reason == "Registered twice"  # type: ignore[attr-defined, arg-type]
    assert published[1] is unsealed


async def test_a_publisher_that_profiles_cannot_give_a_key_publishes_nothing_and_says_so():
    keys = PersonKeys("http://profiles", service="events", service_key=new_secret_key(),
                      transport=httpx.MockTransport(Profiles({}, down=1)))
    with pytest.raises(KeysUnavailable):
        await sealed([a_removal(uuid4())], keys)


async def test_the_lines_of_a_sealed_event_waiting_for_its_key_or_set_aside_carry_its_correlation_id():
    person, key = a_contact("Traced").model_copy(update={"correlation_id": "a-persons-action"}), new_data_key()
    consumer, _, _ = consumer_with(Profiles({person.person_id: ("k", key)}, down=1))
    lines, logger = Lines(), logging.getLogger("plumbing.consumer")
    logger.addHandler(lines)
    try:
        await consumer.consume((record(seal_event(person, "k", new_data_key())),))  # not the person's key
    finally:
        logger.removeHandler(lines)
    assert [(line["msg"], line.get("correlation_id")) for line in lines.lines] == [
        ("data keys unavailable; waiting", "a-persons-action"), ("message dead-lettered", "a-persons-action")]
