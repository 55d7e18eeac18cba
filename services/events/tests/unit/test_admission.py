"""Who gets a seat: confirmed while there is room, waitlisted after, refused when they may not register."""

from datetime import UTC, datetime, timedelta

import pytest
from events.domain.model import NotInAudience, RegistrationClosed, ScheduledEvent, WrongState
from mentorship_contracts.vocabulary import TrainingStage as S

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def session(**overrides) -> ScheduledEvent:
    event = ScheduledEvent.draft(**{
        "chapter_id": None, "kind": "virtual_session", "title": "Applying while LGBTQ+",
        "starts_at": NOW + timedelta(days=7), "ends_at": NOW + timedelta(days=7, hours=1), "timezone": "UTC",
        "capacity": 2, "audience_stages": [S.UNDERGRADUATE], "registration_deadline": NOW + timedelta(days=6),
        "is_virtual": True,
        **overrides,
    })
    event.publish()
    return event


def test_a_registrant_is_confirmed_while_seats_remain_and_waitlisted_after():
    event = session()
    assert event.admit(S.UNDERGRADUATE, NOW, confirmed=1) == "confirmed"
    assert event.admit(S.UNDERGRADUATE, NOW, confirmed=2) == "waitlisted"


def test_registration_closes_at_the_deadline():
    with pytest.raises(RegistrationClosed) as refused:
        session().admit(S.UNDERGRADUATE, NOW + timedelta(days=6, seconds=1), confirmed=0)
    assert refused.value.field == "registration_deadline"


def test_someone_outside_the_audience_is_refused_with_a_clear_reason():
    with pytest.raises(NotInAudience, match="other training stages"):
        session().admit(S.ATTENDING, NOW, confirmed=0)


def test_an_event_is_published_once():
    with pytest.raises(WrongState):
        session().publish()
