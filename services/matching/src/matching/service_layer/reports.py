"""The console's mentorship reports: counts per program (a chapter's) or per chapter (national), published through
`plumbing.disclosure` (counts under five shown as "fewer than 5", with exact secondary suppression). Never a
person's data; never computed suppression here.

Every answer is a view of one publication of every program in the country, per measure, by mentees' stage: a
chapter's table, the national one, a stage's and every stage's then agree, and a reader holding all of them works out
no small count that one of them hides (suppressed one by one, a chapter's column totals gave away what the national
table withheld, and a stage's table what the whole withheld). Trends likewise: a fixed frame of `FRAME` months by
chapter, whatever number of months is asked. Mentees enrolled are profiles' to report (its people report): counted
here too, the two services' suppressions of one count could be set against each other."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from mentorship_contracts.vocabulary import TrainingStage
from plumbing.auth import Principal
from plumbing.disclosure import Cell, Grouped, Published, Shown, publish, publish_grouped, side_by_side

from .ports import MatchingUnitOfWorkPort

MEASURES = ("waiting", "paired", "active", "completed", "ended_early")
MEETINGS = ("0", "1-2", "3-5", "6+")
TRENDS = ("paired", "completed", "ended_early")
FRAME = 60  # months: the most a trend may cover, and the frame every trend is published in
NATIONAL = "national"  # the group of programs that belong to no chapter
STAGES = tuple(stage.value for stage in TrainingStage)


def _groups(programs: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each chapter's programs (ids, in order), and the national programs under `NATIONAL`."""
    groups: dict[str, list[str]] = {}
    for program in sorted(programs, key=lambda p: str(p["id"])):
        groups.setdefault(str(program["chapter_id"] or NATIONAL), []).append(str(program["id"]))
    return dict(sorted(groups.items(), key=lambda item: (item[0] == NATIONAL, item[0])))


def _view(grouped: Grouped, chapter_id: UUID | None) -> Published:
    return grouped.across if chapter_id is None else grouped.within(str(chapter_id))


async def mentorships(chapter_id: UUID | None, stage: str | None, uow: MatchingUnitOfWorkPort
                      ) -> tuple[Published, Published]:
    """Rows = the chapter's programs (None: chapters, nationally); columns = `MEASURES`, of mentees of `stage` if
    given; and pairings by meetings logged (`MEETINGS`)."""
    async with uow:
        programs = await uow.reports.programs(None)
        ids = [p["id"] for p in programs]
        counts = await uow.reports.mentorships(ids)
        meetings = await uow.reports.meetings_per_pairing(ids)
    groups = _groups(programs)
    # The stages some mentee has (a stage no one has is 0 everywhere, which adds nothing to publish), the same
    # whichever stage is asked, so that every stage's table comes from the same publication.
    present = {s for by_stage in counts.values() for s in by_stage}
    stages = tuple(s for s in STAGES if s in present) + tuple(sorted(present - set(STAGES)))
    by_stage = {m: publish_grouped(groups, stages, {
        str(p): [counts.get(p, {}).get(s, {}).get(m, 0) for s in stages] for p in ids}) for m in MEASURES}
    by_meetings = publish_grouped(groups, MEETINGS, {str(p): [meetings.get(p, {}).get(b, 0) for b in MEETINGS]
                                                     for p in ids})
    table = side_by_side({m: _view(by_stage[m], chapter_id) for m in MEASURES},
                         stage if stage is None or stage in stages else None)
    if stage is not None and stage not in stages:  # no mentee of that stage anywhere
        zero = Cell(0, Shown.EXACT)
        table = replace(table, cells=tuple((zero,) * len(MEASURES) for _ in table.rows),
                        column_totals=(zero,) * len(MEASURES))
    return table, _view(by_meetings, chapter_id)


def _months(count: int, now: datetime) -> list[str]:
    months, year, month = [], now.year, now.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


async def trends(chapter_id: UUID | None, months: int, uow: MatchingUnitOfWorkPort,
                 now: datetime | None = None) -> Published:
    """Rows = the last `months` months (YYYY-MM, oldest first); columns = `TRENDS`: what happened in each month. No
    totals over the months: over the frame they would be counts of all time, which the mentorship report publishes
    suppressed its own way."""
    frame = _months(FRAME, now or datetime.now(UTC))
    since = datetime(int(frame[0][:4]), int(frame[0][5:]), 1, tzinfo=UTC)
    async with uow:
        programs = await uow.reports.programs(None)
        counts = await uow.reports.trends([p["id"] for p in programs], since)
    chapter_of = {p["id"]: str(p["chapter_id"] or NATIONAL) for p in programs}
    chapters = sorted(set(chapter_of.values()))
    per_chapter = {m: {c: [0] * FRAME for c in chapters} for m in TRENDS}
    position = {month: i for i, month in enumerate(frame)}
    for program_id, by_month in counts.items():
        for month, measures in by_month.items():
            for measure, n in measures.items():
                if month in position and measure in per_chapter:
                    per_chapter[measure][chapter_of[program_id]][position[month]] += n
    tables = {m: publish(chapters, frame, [per_chapter[m][c] for c in chapters], row_totals=False) for m in TRENDS}

    def month_cells(table: Published) -> tuple[Cell, ...]:
        if chapter_id is None:
            return table.column_totals or ()
        label = str(chapter_id)
        return table.cells[table.rows.index(label)] if label in table.rows else (Cell(0, Shown.EXACT),) * FRAME

    columns = {m: month_cells(tables[m]) for m in TRENDS}
    shown = range(FRAME - months, FRAME)
    first = next(iter(tables.values()))
    return Published(rows=tuple(frame[i] for i in shown), columns=TRENDS,
                     cells=tuple(tuple(columns[m][i] for m in TRENDS) for i in shown),
                     row_totals=None, column_totals=None, total=None, threshold=first.threshold)


async def exported(report: str, chapter_id: UUID | None, uow: MatchingUnitOfWorkPort, caller: Principal) -> None:
    """A report downloaded as CSV: audited."""
    async with uow:
        uow.audit(caller, "report.exported", "report", report, chapter_id=chapter_id, detail={"report": report})
        await uow.commit()
