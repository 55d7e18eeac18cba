"""An event form's wall times and the instants events stores, across daylight-saving changes in New York: on
2027-03-14 the clocks jump from 02:00 to 03:00 (02:30 never happens); on 2026-11-01 they go back from 02:00 to 01:00
(01:30 happens twice: first EDT, then EST)."""

import pytest
from web.console.events import SkippedTime, _as_local, _local

NEW_YORK = "America/New_York"
SECOND_HALF_PAST_ONE = "2026-11-01T06:30:00+00:00"  # 01:30 EST


def test_a_wall_time_is_read_in_the_events_zone():
    assert _local("2026-12-01T18:00", "America/Chicago") == "2026-12-01T18:00:00-06:00"


def test_a_wall_time_the_clocks_skip_is_refused():
    with pytest.raises(SkippedTime):
        _local("2027-03-14T02:30", NEW_YORK)


def test_a_wall_time_that_happens_twice_is_its_first_when_typed():
    assert _local("2026-11-01T01:30", NEW_YORK) == "2026-11-01T01:30:00-04:00"


def test_a_wall_time_shown_and_sent_back_unchanged_is_the_instant_shown_even_the_second_of_two():
    shown = _as_local(SECOND_HALF_PAST_ONE, NEW_YORK)
    assert shown == "2026-11-01T01:30"
    assert _local(shown, NEW_YORK, shown=SECOND_HALF_PAST_ONE) == SECOND_HALF_PAST_ONE


def test_a_wall_time_changed_from_the_one_shown_is_read_afresh():
    assert _local("2026-11-01T01:45", NEW_YORK, shown=SECOND_HALF_PAST_ONE) == "2026-11-01T01:45:00-04:00"


def test_what_is_not_a_time_or_a_zone_is_refused():
    for value, zone in [("", NEW_YORK), ("tomorrow", NEW_YORK), ("2026-12-01T18:00", "Mars/Olympus_Mons"),
                        ("9999-12-31T23:30", NEW_YORK)]:  # past the last instant there is: refused, not a crash
        with pytest.raises(ValueError):
            _local(value, zone)
