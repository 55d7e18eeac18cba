"""Who gets a seat: confirmed while there is room, waitlisted after, refused when they may not register."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.domain.model import (
    ChapterNotYetKnown,
    NotInAudience,
    NotInChapter,
    Participant,
    RegistrationClosed,
    ScheduledEvent,
    StageNotYetKnown,
    WrongState,
)
from mentorship_contracts.vocabulary import TrainingStage as S

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def session(**overrides) -> ScheduledEvent:
    event = ScheduledEvent.draft(now=NOW, **{
        "chapter_id": None, "kind": "virtual_session", "title": "Applying while LGBTQ+",
        "starts_at": NOW + timedelta(days=7), "ends_at": NOW + timedelta(days=7, hours=1), "timezone": "UTC",
        "capacity": 2, "audience_stages": [S.UNDERGRADUATE], "registration_deadline": NOW + timedelta(days=6),
        "is_virtual": True,
        **overrides,
    })
    event.publish()
    return event


def undergraduate(chapter_id=None) -> Participant:
    return Participant(uuid4(), S.UNDERGRADUATE, chapter_id)


def test_a_registrant_is_confirmed_while_seats_remain_and_waitlisted_after():
    event = session()
    assert event.admit(undergraduate(), NOW, confirmed=1) == "confirmed"
    assert event.admit(undergraduate(), NOW, confirmed=2) == "waitlisted"


def test_registration_closes_at_the_deadline():
    with pytest.raises(RegistrationClosed) as refused:
        session().admit(undergraduate(), NOW + timedelta(days=6, seconds=1), confirmed=0)
    assert refused.value.field == "registration_deadline"


def test_someone_outside_the_audience_is_refused_with_a_clear_reason():
    with pytest.raises(NotInAudience, match="other training stages"):
        session().admit(Participant(uuid4(), S.ATTENDING), NOW, confirmed=0)


def test_an_event_is_published_once():
    with pytest.raises(WrongState):
        session().publish()


def test_someone_whose_profile_has_not_arrived_yet_is_asked_to_try_again_when_the_rule_needs_it():
    with pytest.raises(StageNotYetKnown) as refused:
        session().admit(None, NOW, confirmed=0)
    assert refused.value.field == "stage"
    with pytest.raises(StageNotYetKnown):
        session(chapter_id=uuid4()).admit(None, NOW, confirmed=0)
    with pytest.raises(ChapterNotYetKnown) as refused:
        session(chapter_id=uuid4(), audience_stages=[]).admit(None, NOW, confirmed=0)
    assert refused.value.field == "chapter_id"
    assert session(audience_stages=[]).admit(None, NOW, confirmed=0) == "confirmed"  # a national event for anyone


def test_a_chapter_event_admits_that_chapter_s_people_only():
    chapter = uuid4()
    event = session(chapter_id=chapter)
    assert event.admit(undergraduate(chapter), NOW, confirmed=0) == "confirmed"
    for outsider in (undergraduate(uuid4()), undergraduate(None)):
        with pytest.raises(NotInChapter) as refused:
            event.admit(outsider, NOW, confirmed=0)
        assert refused.value.field == "chapter_id"
    with pytest.raises(NotInAudience):  # its own chapter's people still within its audience
        event.admit(Participant(uuid4(), S.ATTENDING, chapter), NOW, confirmed=0)


def test_a_national_event_admits_anyone_eligible_whatever_their_chapter():
    event = session()
    for chapter in (uuid4(), uuid4(), None):
        assert event.admit(undergraduate(chapter), NOW, confirmed=0) == "confirmed"
