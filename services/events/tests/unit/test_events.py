"""The rules of an event: its shape, its life cycle, what the coordinators count."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from events.adapters.calendar import FEED_WORDS, booking_entry, calendar_entry
from events.domain.model import (
    CheckInNotOpen,
    EventState,
    Exhibitor,
    NoFreeSeat,
    OfficeHourSlot,
    Registration,
    ScheduledEvent,
    SessionsOutsideConference,
    Status,
    WrongState,
    attendance_counts,
    tally,
    waitlist_positions,
)
from plumbing.calendar import event_uid
from plumbing.errors import Invalid

START = datetime(2026, 10, 3, 15, tzinfo=UTC)
NOW = START - timedelta(days=30)


def event(parent=None, now=NOW, **overrides) -> ScheduledEvent:
    return ScheduledEvent.draft(parent=parent, now=now, **{
        "chapter_id": None, "kind": "career_fair", "title": "Health careers fair", "starts_at": START,
        "ends_at": START + timedelta(hours=4), "timezone": "America/New_York", "capacity": 300,
        "audience_stages": [], "registration_deadline": START - timedelta(days=1), "location": "Student union",
        **overrides,
    })


def test_a_career_fair_lists_its_exhibitors_with_booth_and_description():
    howard = Exhibitor("Howard University College of Medicine", "medical_school", "A12", "MD admissions")
    fair = event(exhibitors=[howard])
    assert fair.exhibitors[0].booth == "A12"


def test_only_a_career_fair_has_exhibitors():
    with pytest.raises(Invalid) as refused:
        event(kind="speaker_event", exhibitors=[Exhibitor("AAMC", "organisation", "B1")])
    assert refused.value.field == "exhibitors"


def test_a_conference_session_belongs_to_a_conference_and_takes_place_during_it():
    conference = event(kind="conference", ends_at=START + timedelta(days=2))
    session = event(parent=conference, kind="conference_session", ends_at=START + timedelta(hours=1))
    assert session.parent_event_id == conference.id
    with pytest.raises(Invalid, match="during its conference"):
        event(parent=conference, kind="conference_session", starts_at=START + timedelta(days=3),
              ends_at=START + timedelta(days=3, hours=1))
    with pytest.raises(Invalid, match="belongs to a conference"):
        event(kind="conference_session")


def test_a_conference_whose_times_stay_as_they_were_is_edited_whatever_its_sessions_times():
    conference = event(kind="conference", ends_at=START + timedelta(days=2))
    session = event(parent=conference, kind="conference_session", ends_at=START + timedelta(hours=1))
    session.ends_at = START + timedelta(days=3)  # kept from before sessions were checked so

    assert conference.revise({"title": "Regional conference"}, confirmed=0, registered=0, parent=None, now=NOW,
                             sessions=[session]) == ["title"]
    with pytest.raises(SessionsOutsideConference) as refused:
        conference.revise({"ends_at": START + timedelta(days=2, hours=1)}, confirmed=0, registered=0, parent=None,
                          now=NOW, sessions=[session])
    assert refused.value.field == "ends_at"


def test_an_event_has_a_known_time_zone_a_place_and_a_deadline_before_it_starts():
    for overrides, at_fault in [({"timezone": "Mars/Olympus"}, "timezone"), ({"location": None}, "location"),
                                ({"registration_deadline": START + timedelta(hours=1)}, "registration_deadline"),
                                ({"ends_at": START}, "ends_at"),
                                ({"virtual_link": "https://meet.example/x"}, "virtual_link")]:
        with pytest.raises(Invalid) as refused:
            event(**overrides)
        assert refused.value.field == at_fault


def test_an_event_goes_from_draft_to_published_to_cancelled_or_completed():
    fair = event()
    with pytest.raises(WrongState):
        fair.cancel()
    fair.publish()
    with pytest.raises(WrongState, match="once it has started"):
        fair.complete(START - timedelta(minutes=1))
    fair.complete(START + timedelta(hours=1))
    assert fair.state == EventState.COMPLETED
    with pytest.raises(WrongState):
        fair.revise({"title": "Too late"}, confirmed=0, registered=0, parent=None, now=START + timedelta(hours=5))


def test_a_revision_names_what_changed_and_never_drops_confirmed_seats():
    fair = event()
    assert fair.revise({"title": "Spring fair", "capacity": 300}, confirmed=0, registered=0, parent=None, now=NOW) == ["title"]
    with pytest.raises(Invalid, match="confirmed already") as refused:
        fair.revise({"capacity": 10}, confirmed=11, registered=11, parent=None, now=NOW)
    assert refused.value.field == "capacity"
    with pytest.raises(Invalid):
        fair.revise({"kind": "workshop"}, confirmed=0, registered=0, parent=None, now=NOW)


def test_an_event_is_created_to_start_in_the_future():
    for now in (START, START + timedelta(days=1)):
        with pytest.raises(Invalid, match="past") as refused:
            event(now=now)
        assert refused.value.field == "starts_at"
    assert event(now=START - timedelta(seconds=1)).starts_at == START


def test_an_event_is_not_moved_into_the_past():
    fair = event()
    for changes, at_fault in [({"starts_at": NOW - timedelta(hours=1), "registration_deadline": NOW - timedelta(days=1),
                                "ends_at": NOW + timedelta(hours=1)}, "starts_at"),
                              ({"ends_at": NOW - timedelta(hours=1)}, "ends_at")]:
        with pytest.raises(Invalid) as refused:
            fair.revise(changes, confirmed=0, registered=0, parent=None, now=NOW)
        assert refused.value.field == at_fault
    assert fair.starts_at == START


def test_a_running_event_keeps_its_start_and_ends_in_the_future_but_the_rest_may_still_change():
    fair = event()
    fair.publish()
    running = START + timedelta(hours=1)
    with pytest.raises(Invalid, match="has started") as refused:
        fair.revise({"starts_at": START + timedelta(days=1), "ends_at": START + timedelta(days=1, hours=4)},
                    confirmed=0, registered=0, parent=None, now=running)
    assert refused.value.field == "starts_at"
    with pytest.raises(Invalid, match="past") as refused:
        fair.revise({"ends_at": running - timedelta(minutes=1)}, confirmed=0, registered=0, parent=None, now=running)
    assert refused.value.field == "ends_at"
    # A form sends every field back: its unchanged start is no move. A running event may run longer.
    changes = {"starts_at": START, "ends_at": START + timedelta(hours=6), "title": "Health careers fair (day 1)"}
    assert sorted(fair.revise(changes, confirmed=0, registered=0, parent=None, now=running)) == ["ends_at", "title"]
    # Over but not completed yet: the organisers may still correct its description.
    after = START + timedelta(days=1)
    assert fair.revise({"description": "Thanks for coming"}, confirmed=0, registered=0, parent=None, now=after) == ["description"]


def test_coordinators_see_counts_no_shows_and_waitlist_places():
    event_id = uuid4()
    came, absent, cancelled, first, second = [Registration.new(event_id, uuid4(), s) for s in (
        Status.CONFIRMED, Status.CONFIRMED, Status.CANCELLED, Status.WAITLISTED, Status.WAITLISTED)]
    came.attended, absent.attended = True, False
    registrations = [came, absent, cancelled, first, second]
    assert tally(registrations) == {"confirmed": 2, "waitlisted": 2, "cancelled": 1, "attended": 1, "no_shows": 1}
    assert waitlist_positions(registrations) == {first.id: 1, second.id: 2}


def test_a_seated_registrant_removed_once_the_event_has_begun_without_having_come_is_recorded_as_absent():
    fair = event()
    fair.publish()
    absent = Registration.new(fair.id, uuid4(), Status.CONFIRMED)

    absent.remove("Seat given to someone at the door", fair, START + timedelta(minutes=20))

    assert (absent.status, absent.roster_status, absent.attended) == (Status.CANCELLED, "removed", False)


def _checked_in(fair: ScheduledEvent) -> Registration:
    seated = Registration.new(fair.id, uuid4(), Status.CONFIRMED)
    seated.check_in(fair, START - timedelta(hours=1))
    return seated


def _recorded_as_came(fair: ScheduledEvent) -> Registration:
    seated = Registration.new(fair.id, uuid4(), Status.CONFIRMED)
    seated.record_attendance(fair, True, START - timedelta(hours=1))
    return seated


@pytest.mark.parametrize(("registrant", "removed_at", "attended"), [
    (lambda fair: Registration.new(fair.id, uuid4(), Status.CONFIRMED), START - timedelta(minutes=1), None),
    (_checked_in, START + timedelta(minutes=20), None),
    (_recorded_as_came, START + timedelta(minutes=20), True),
    (lambda fair: Registration.new(fair.id, uuid4(), Status.WAITLISTED), START + timedelta(minutes=20), None),
], ids=["before it begins", "checked in", "recorded as came", "waiting, no seat"])
def test_any_other_removal_is_a_cancellation_that_records_no_absence(registrant, removed_at, attended):
    fair = event()
    fair.publish()
    removed = registrant(fair)

    removed.remove("Registered twice", fair, removed_at)

    assert (removed.roster_status, removed.attended) == ("removed", attended)
    assert attendance_counts([removed]) == (1, 0, 0, 1)


def test_the_attendance_report_counts_a_no_show_removed_at_the_door_as_a_no_show_and_not_as_cancelled():
    fair = event()
    fair.publish()
    begun = START + timedelta(minutes=20)
    came, absent, removed_absent, removed_early, changed_mind = [
        Registration.new(fair.id, uuid4(), Status.CONFIRMED) for _ in range(5)]
    came.record_attendance(fair, True, begun)
    absent.record_attendance(fair, False, begun)
    removed_absent.remove("Seat given to someone at the door", fair, begun)
    removed_early.remove("Registered twice", fair, START - timedelta(days=1))
    # Recorded absent early in the day, then cancelled themselves: they cancelled.
    changed_mind.record_attendance(fair, False, START - timedelta(hours=2))
    changed_mind.cancel_own()

    counts = attendance_counts([came, absent, removed_absent, removed_early, changed_mind])

    assert dict(zip(("registered", "attended", "no_show", "cancelled"), counts, strict=True)) == {
        "registered": 5, "attended": 1, "no_show": 2, "cancelled": 2}


def test_an_event_s_calendar_entry_has_the_platform_s_uid_its_own_zone_and_never_the_virtual_link():
    session = event(kind="virtual_session", location=None, is_virtual=True, virtual_link="https://meet.example/x",
                    attendees_public=True)
    entry = calendar_entry(session)
    assert (entry.uid, entry.timezone, entry.summary) == (event_uid(session.id), "America/New_York", session.title)
    assert "https://meet.example/x" not in str(vars(entry)) and not entry.cancelled
    session.publish()
    session.cancel()
    assert calendar_entry(session).cancelled


@pytest.mark.parametrize("attendees_public", [True, False])
def test_a_private_event_in_a_feed_is_titled_without_its_name_as_the_emails_calendar_entry_is(attendees_public):
    # A subscribed feed adds its entries by itself, and a calendar's alerts show their titles on the lock screen. The
    # entry shares its UID with the email's, so naming it here would rename the discreet one already there.
    workshop = event(title="Applying while LGBTQ+", description="For LGBTQ+ applicants", is_virtual=True,
                     attendees_public=attendees_public)
    entry = calendar_entry(workshop, join_url="https://meet.example/x")
    named = (entry.summary, entry.description)
    assert named == (("Applying while LGBTQ+", "Join online: https://meet.example/x\n\nFor LGBTQ+ applicants")
                     if attendees_public else ("An event you registered for", "Join online: https://meet.example/x"))
    assert (entry.location, entry.url) == ("Student union", "https://meet.example/x")


@pytest.mark.parametrize("attendees_public", [True, False])
def test_a_private_events_calendar_file_is_titled_without_its_name_as_its_emails_and_feeds_entries_are(
        attendees_public):
    # The file from the event's page shares the UID too: opened after the email's, it would rename the discreet entry,
    # and its alert would show the name on the lock screen all the same.
    workshop = event(title="Applying while LGBTQ+", description="For LGBTQ+ applicants", attendees_public=attendees_public)
    named = calendar_entry(workshop), calendar_entry(workshop, words=FEED_WORDS["es"])
    assert [(e.summary, e.description) for e in named] == (
        [("Applying while LGBTQ+", "For LGBTQ+ applicants")] * 2 if attendees_public
        else [("An event you registered for", None), ("Un evento en el que te inscribiste", None)])


def test_a_feed_made_in_spanish_says_its_own_words_in_spanish_as_the_emails_entries_do():
    # The email's entry and the feed's share a UID: in another language, the feed would rename the email's.
    workshop = event(title="Applying while LGBTQ+", is_virtual=True, location=None)
    entry = calendar_entry(workshop, join_url="https://meet.example/x", words=FEED_WORDS["es"])
    assert (entry.summary, entry.description) == ("Un evento en el que te inscribiste",
                                                  "Unirte en línea: https://meet.example/x")
    slot = OfficeHourSlot(id=uuid4(), host_id=uuid4(), chapter_id=None, starts_at=START, ends_at=START + timedelta(
        minutes=30), is_virtual=True, booked_by=uuid4(), booking_id=uuid4())
    booked = booking_entry(slot, words=FEED_WORDS["es"])
    assert (booked.summary, booked.location) == ("Hora de orientación", "En línea")
    assert FEED_WORDS["es"].calendar_name == "Mis eventos" and FEED_WORDS["en"].calendar_name == "My events"


def test_check_in_opens_on_the_day_of_the_event_in_its_time_zone():
    # 15:00 UTC is 10:00 in Chicago (daylight time): the doors open that day, from midnight there (05:00 UTC).
    fair = event(timezone="America/Chicago")
    fair.publish()
    seated = Registration.new(fair.id, uuid4(), Status.CONFIRMED)
    for days_before in (8, 1):
        with pytest.raises(CheckInNotOpen, match=r"day of the event.*2026-10-03 00:00 \(America/Chicago\)"):
            seated.check_in(fair, START - timedelta(days=days_before))
    with pytest.raises(CheckInNotOpen):
        seated.check_in(fair, datetime(2026, 10, 3, 4, 59, tzinfo=UTC))  # 23:59 the day before, in Chicago
    assert seated.check_in(fair, datetime(2026, 10, 3, 5, tzinfo=UTC))


def test_attendance_is_recorded_from_when_check_in_opens_not_days_before_the_event():
    fair = event(timezone="America/Chicago")
    fair.publish()
    seated = Registration.new(fair.id, uuid4(), Status.CONFIRMED)
    with pytest.raises(CheckInNotOpen):
        seated.record_attendance(fair, False, START - timedelta(days=8))
    assert seated.attended is None
    seated.record_attendance(fair, True, datetime(2026, 10, 3, 5, tzinfo=UTC))
    assert seated.attended is True


def test_check_in_opens_three_hours_before_an_event_starting_early_in_the_day():
    # 01:30 in Tokyo: its doors open at 22:30 the evening before, not at midnight an hour and a half before.
    starts = datetime(2026, 10, 2, 16, 30, tzinfo=UTC)
    night = event(timezone="Asia/Tokyo", starts_at=starts, ends_at=starts + timedelta(hours=2),
                  registration_deadline=starts - timedelta(days=1))
    night.publish()
    seated = Registration.new(night.id, uuid4(), Status.CONFIRMED)
    with pytest.raises(CheckInNotOpen, match=r"opens at 2026-10-02 22:30 \(Asia/Tokyo\)"):
        seated.check_in(night, starts - timedelta(hours=3, minutes=1))
    assert seated.check_in(night, starts - timedelta(hours=3))


def test_a_check_in_may_be_undone_whenever_it_was_made():
    fair = event()
    fair.publish()
    seated = Registration.new(fair.id, uuid4(), Status.CONFIRMED)
    seated.check_in(fair, START - timedelta(hours=2))
    fair.revise({"starts_at": START + timedelta(days=7), "ends_at": START + timedelta(days=7, hours=4)},
                confirmed=1, registered=1, parent=None, now=START - timedelta(hours=1))  # postponed, a week on
    seated.undo_check_in(fair)
    assert seated.checked_in_at is None


def test_a_seat_free_once_the_event_has_begun_goes_to_someone_waiting_at_the_door_checked_in_with_it():
    fair = event(capacity=2)
    fair.publish()
    begun = START + timedelta(minutes=20)
    assert not fair.has_free_seat(1, begun)  # nobody waiting at home is given it now
    waiting = Registration.new(fair.id, uuid4(), Status.WAITLISTED)

    assert waiting.seat_at_the_door(fair, confirmed=1, now=begun)

    assert (waiting.status, waiting.checked_in_at) == (Status.CONFIRMED, begun)
    # Again (a second tap, another phone's): they hold the seat, and their check-in keeps its time.
    assert not waiting.seat_at_the_door(fair, confirmed=2, now=begun + timedelta(minutes=1))
    assert waiting.checked_in_at == begun


@pytest.mark.parametrize(("confirmed", "now", "refusal", "at_fault"), [
    (2, START + timedelta(minutes=20), NoFreeSeat, "capacity"),
    (1, START - timedelta(days=1), CheckInNotOpen, "starts_at"),
    (1, START + timedelta(hours=4), WrongState, "ends_at"),
], ids=["every seat taken", "before check-in opens", "once it is over"])
def test_no_seat_is_given_at_the_door_unless_one_is_free_while_check_in_is_open_before_the_end(
        confirmed, now, refusal, at_fault):
    fair = event(capacity=2)
    fair.publish()
    waiting = Registration.new(fair.id, uuid4(), Status.WAITLISTED)

    with pytest.raises(refusal) as refused:
        waiting.seat_at_the_door(fair, confirmed=confirmed, now=now)

    assert (refused.value.status, refused.value.field) == (409, at_fault)
    assert (waiting.status, waiting.checked_in_at) == (Status.WAITLISTED, None)


def test_a_seat_is_given_at_the_door_of_a_published_event_only_and_to_someone_waiting_only():
    fair = event(capacity=2)
    with pytest.raises(WrongState) as refused:  # a draft
        Registration.new(fair.id, uuid4(), Status.WAITLISTED).seat_at_the_door(fair, 1, START)
    assert refused.value.field == "state"
    fair.publish()
    seated = Registration.new(fair.id, uuid4(), Status.CONFIRMED)  # not checked in: checking in is for that
    with pytest.raises(WrongState) as refused:
        seated.seat_at_the_door(fair, 1, START)
    assert refused.value.field == "person_id" and seated.checked_in_at is None
