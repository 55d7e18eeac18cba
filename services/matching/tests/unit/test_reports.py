"""The mentorship reports: counts per program or per chapter, and per month, published with suppression."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from matching.service_layer import reports
from plumbing.disclosure import Shown
from plumbing.testing import FakeUnitOfWork

CHAPTER, OTHER = uuid4(), uuid4()
SMALL, LARGE, NATIONAL_ONE = uuid4(), uuid4(), uuid4()


class Counts:
    """What the database would count: three programs, two of one chapter and one of none."""

    async def programs(self, chapter_id):
        every = [{"id": SMALL, "chapter_id": CHAPTER}, {"id": LARGE, "chapter_id": CHAPTER},
                 {"id": NATIONAL_ONE, "chapter_id": None}]
        return [p for p in every if chapter_id is None or p["chapter_id"] == chapter_id]

    async def mentorships(self, program_ids, stage):
        counts = {SMALL: {"enrolled": 3, "waiting": 1, "paired": 2, "active": 2},
                  LARGE: {"enrolled": 40, "waiting": 10, "paired": 30, "active": 25, "completed": 5},
                  NATIONAL_ONE: {"enrolled": 7}}
        return {p: c for p, c in counts.items() if p in program_ids}

    async def meetings_per_pairing(self, program_ids):
        return {LARGE: {"0": 10, "1-2": 20}} if LARGE in program_ids else {}

    async def trends(self, program_ids, since):
        return {"2026-11": {"paired": 2}, "2026-10": {"paired": 12, "completed": 6}, "2025-01": {"paired": 99}}


def unit() -> FakeUnitOfWork:
    return FakeUnitOfWork(reports=Counts())


async def test_a_chapters_report_has_a_row_per_program_and_shows_its_small_counts_as_fewer_than_five():
    table, meetings = await reports.mentorships(CHAPTER, None, unit())

    assert table.rows == tuple(sorted([str(SMALL), str(LARGE)])) and table.columns == reports.MEASURES
    small = table.rows.index(str(SMALL))
    assert table.cells[small][0].shown is Shown.FEWER_THAN_THRESHOLD and table.cells[small][0].value is None
    assert meetings.columns == reports.MEETINGS


async def test_the_national_report_has_a_row_per_chapter_and_one_for_programs_of_no_chapter():
    table, _ = await reports.mentorships(None, None, unit())

    assert set(table.rows) == {str(CHAPTER), reports.NATIONAL}
    assert table.cells[table.rows.index(str(CHAPTER))][0].value == 43


async def test_trends_cover_the_months_asked_oldest_first_and_nothing_before_them():
    table = await reports.trends(CHAPTER, 3, unit(), now=datetime(2026, 11, 30, tzinfo=UTC))

    assert table.rows == ("2026-09", "2026-10", "2026-11")
    assert table.cells[2][0].shown is Shown.FEWER_THAN_THRESHOLD
    assert table.cells[1][1].value == 6 and table.cells[0] == (table.cells[0][0].__class__(0, Shown.EXACT),) * 3
