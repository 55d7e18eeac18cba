"""The mentorship reports: counts per program or per chapter, and per month, published with suppression."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from matching.service_layer import reports
from plumbing.disclosure import Cell, Shown
from plumbing.testing import FakeUnitOfWork

CHAPTER, OTHER = uuid4(), uuid4()
SMALL, LARGE, NATIONAL_ONE, ELSEWHERE = uuid4(), uuid4(), uuid4(), uuid4()


class Counts:
    """What the database would count: two programs of one chapter, one of another, one of none."""

    def __init__(self, mentorships=None, trends=None) -> None:
        self._mentorships = mentorships or {
            SMALL: {"undergraduate": {"waiting": 1, "paired": 2, "active": 2}},
            LARGE: {"undergraduate": {"waiting": 6, "paired": 20, "active": 15, "completed": 5},
                    "medical_student_1": {"waiting": 4, "paired": 10, "active": 10}},
            NATIONAL_ONE: {"medical_student_2": {"waiting": 7}},
            ELSEWHERE: {"undergraduate": {"waiting": 9, "paired": 12}}}
        self._trends = trends or {LARGE: {"2026-11": {"paired": 2}, "2026-10": {"paired": 12, "completed": 6},
                                          "2021-01": {"paired": 99}}}

    async def programs(self, chapter_id):
        every = [{"id": SMALL, "chapter_id": CHAPTER}, {"id": LARGE, "chapter_id": CHAPTER},
                 {"id": NATIONAL_ONE, "chapter_id": None}, {"id": ELSEWHERE, "chapter_id": OTHER}]
        return [p for p in every if chapter_id is None or p["chapter_id"] == chapter_id]

    async def mentorships(self, program_ids):
        return {p: c for p, c in self._mentorships.items() if p in program_ids}

    async def meetings_per_pairing(self, program_ids):
        return {LARGE: {"0": 10, "1-2": 20}} if LARGE in program_ids else {}

    async def trends(self, program_ids, since):
        return {p: {month: n for month, n in by_month.items() if month >= f"{since:%Y-%m}"}
                for p, by_month in self._trends.items() if p in program_ids}


def unit(**counts) -> FakeUnitOfWork:
    return FakeUnitOfWork(reports=Counts(**counts))


def column(table, measure):
    c = table.columns.index(measure)
    return {row: cells[c] for row, cells in zip(table.rows, table.cells, strict=True)}


async def test_a_chapters_report_has_a_row_per_program_and_shows_its_small_counts_as_fewer_than_five():
    table, meetings = await reports.mentorships(CHAPTER, None, unit())

    assert table.rows == tuple(sorted([str(SMALL), str(LARGE)])) and table.columns == reports.MEASURES
    assert column(table, "waiting")[str(SMALL)] == Cell(None, Shown.FEWER_THAN_THRESHOLD)
    assert column(table, "waiting")[str(LARGE)].value in (10, None)
    assert meetings.columns == reports.MEETINGS and meetings.rows == table.rows


async def test_the_national_report_has_a_row_per_chapter_and_one_for_programs_of_no_chapter():
    table, _ = await reports.mentorships(None, None, unit())

    assert table.rows == tuple(sorted([str(CHAPTER), str(OTHER)])) + (reports.NATIONAL,)
    assert column(table, "paired")[str(CHAPTER)].value == 32


async def test_a_stage_report_counts_the_mentees_of_that_stage_only():
    table, _ = await reports.mentorships(CHAPTER, "medical_student_1", unit())

    assert column(table, "active")[str(LARGE)].value == 10 and column(table, "paired")[str(SMALL)].value == 0


async def test_a_stages_hidden_count_cannot_be_worked_out_as_the_whole_less_the_other_stages():
    # LARGE's mentees waiting: 6 pre-meds and 4 MS1s. Suppressed one table at a time, the whole (10) and the pre-med
    # table (6) were shown exactly, and gave the MS1s' 4 away.
    whole, _ = await reports.mentorships(CHAPTER, None, unit())
    by_stage = {s: (await reports.mentorships(CHAPTER, s, unit()))[0] for s in reports.STAGES}

    for program in whole.rows:
        for measure in reports.MEASURES:
            parts = {s: column(by_stage[s], measure)[program] for s in reports.STAGES}
            hidden = [s for s, cell in parts.items() if cell.shown is not Shown.EXACT]
            if column(whole, measure)[program].shown is Shown.EXACT:
                assert len(hidden) != 1, (program, measure, hidden)


async def test_a_chapters_totals_agree_with_its_row_in_the_national_report():
    national, national_meetings = await reports.mentorships(None, None, unit())
    chapter, chapter_meetings = await reports.mentorships(CHAPTER, None, unit())

    row = national.rows.index(str(CHAPTER))
    assert chapter.column_totals == national.cells[row]
    assert chapter_meetings.column_totals == national_meetings.cells[national_meetings.rows.index(str(CHAPTER))]


async def test_trends_cover_the_months_asked_oldest_first_and_nothing_before_them():
    table = await reports.trends(CHAPTER, 3, unit(), now=datetime(2026, 11, 30, tzinfo=UTC))

    assert table.rows == ("2026-09", "2026-10", "2026-11")
    assert table.cells[2][0].shown is Shown.FEWER_THAN_THRESHOLD
    assert table.cells[1][1].value == 6 and table.cells[0] == (Cell(0, Shown.EXACT),) * 3
    assert table.column_totals is None and table.row_totals is None


async def test_a_shorter_trend_shows_each_month_as_the_longest_does_so_two_cannot_be_set_against_each_other():
    trends = {LARGE: {"2026-09": {"paired": 3}, "2026-10": {"paired": 9}, "2026-11": {"paired": 12}},
              ELSEWHERE: {"2026-10": {"paired": 2}, "2026-11": {"paired": 7}}}
    now = datetime(2026, 11, 30, tzinfo=UTC)
    longest = await reports.trends(None, reports.FRAME, unit(trends=trends), now=now)
    for months in (1, 2, 3, 12):
        shorter = await reports.trends(None, months, unit(trends=trends), now=now)
        assert shorter.cells == longest.cells[-months:] and shorter.column_totals is None


async def test_a_chapter_with_no_programs_reports_zeros():
    table, _ = await reports.mentorships(uuid4(), None, unit())
    trend = await reports.trends(uuid4(), 2, unit(), now=datetime(2026, 11, 30, tzinfo=UTC))

    assert table.rows == () and {c.value for c in table.column_totals or ()} == {0}
    assert trend.cells == ((Cell(0, Shown.EXACT),) * 3,) * 2


async def test_a_stage_no_mentee_has_reports_zeros():
    table, _ = await reports.mentorships(CHAPTER, "dentist", unit())

    assert table.rows == tuple(sorted([str(SMALL), str(LARGE)]))
    assert {c for row in table.cells for c in row} == {Cell(0, Shown.EXACT)}
