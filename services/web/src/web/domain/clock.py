"""Times as a clock on the wall says them, typed in a form and read in a time zone. On the night the clocks change,
a wall time may not happen (they go forward past it) or happen twice (they go back over it); a length of time is
counted in real minutes, not on the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo


class SkippedTime(ValueError):
    """A wall time that does not happen in that zone on that day: the clocks jump past it."""


class BeyondTheCalendar(ValueError):
    """A wall time whose instant falls outside the years a datetime holds (the last evening of 9999 west of UTC)."""


def on_the_clock(wall: datetime, zone: tzinfo) -> datetime:
    """The moment a clock in `zone` shows `wall` (its own zone, if it has one, set aside); the first of the two when
    the clocks go back over it (`happens_twice` tells). Raises SkippedTime when the clocks go forward past it,
    BeyondTheCalendar when its instant is past the calendar's ends."""
    moment = wall.replace(tzinfo=zone, fold=0)
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError as beyond:
        raise BeyondTheCalendar(wall.isoformat()) from beyond
    # A skipped time is given the offset before the change; back through UTC it reads as another wall time.
    if in_utc.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None, fold=0):
        raise SkippedTime(wall.isoformat())
    return moment


def happens_twice(moment: datetime) -> bool:
    """Whether the wall time of `moment` (in its own zone) happens twice that day: the clocks go back over it."""
    return moment.replace(fold=0).utcoffset() != moment.replace(fold=1).utcoffset()


def later(moment: datetime, minutes: int) -> datetime:
    """`minutes` real minutes after `moment`, on its zone's clock: 30 minutes from 1:45 AM on the night the clocks go
    forward at 2:00 is 3:15 AM. Raises BeyondTheCalendar past the calendar's end."""
    zone = moment.tzinfo
    try:
        return (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(zone)
    except OverflowError as beyond:
        raise BeyondTheCalendar(moment.isoformat()) from beyond
