"""The console's mentorship reports: counts per program (a chapter's) or per chapter (national), published through
`plumbing.disclosure` (counts under five shown as "fewer than 5", with exact secondary suppression). Never a
person's data; never computed suppression here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from plumbing.auth import Principal
from plumbing.disclosure import Published, publish

from .ports import MatchingUnitOfWorkPort

MEASURES = ("enrolled", "waiting", "paired", "active", "completed", "ended_early")
MEETINGS = ("0", "1-2", "3-5", "6+")
TRENDS = ("paired", "completed", "ended_early")
NATIONAL = "national"  # the row of programs that belong to no chapter, in the national view


def _rows(programs: list[dict[str, Any]], national: bool) -> tuple[list[str], dict[UUID, str]]:
    """Row labels (program ids, or chapter ids nationally) and each program's row."""
    row_of = {p["id"]: str(p["chapter_id"] or NATIONAL) if national else str(p["id"]) for p in programs}
    return sorted(set(row_of.values())), row_of


def _table(labels: list[str], row_of: dict[UUID, str], counts: dict[UUID, dict[str, int]],
           columns: tuple[str, ...]) -> Published:
    grid = {label: dict.fromkeys(columns, 0) for label in labels}
    for program_id, measures in counts.items():
        for column, n in measures.items():
            grid[row_of[program_id]][column] += n
    return publish(labels, list(columns), [[grid[label][c] for c in columns] for label in labels])


async def mentorships(chapter_id: UUID | None, stage: str | None, uow: MatchingUnitOfWorkPort
                      ) -> tuple[Published, Published]:
    """Rows = the chapter's programs (None: chapters, nationally); columns = `MEASURES`, of mentees of `stage` if
    given; and pairings by meetings logged (`MEETINGS`)."""
    async with uow:
        programs = await uow.reports.programs(chapter_id)
        labels, row_of = _rows(programs, national=chapter_id is None)
        ids = list(row_of)
        return (_table(labels, row_of, await uow.reports.mentorships(ids, stage), MEASURES),
                _table(labels, row_of, await uow.reports.meetings_per_pairing(ids), MEETINGS))


def _months(count: int, now: datetime) -> list[str]:
    months, year, month = [], now.year, now.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


async def trends(chapter_id: UUID | None, months: int, uow: MatchingUnitOfWorkPort,
                 now: datetime | None = None) -> Published:
    """Rows = the last `months` months (YYYY-MM, oldest first); columns = `TRENDS`: what happened in each month."""
    now = now or datetime.now(UTC)
    labels = _months(months, now)
    since = datetime(int(labels[0][:4]), int(labels[0][5:]), 1, tzinfo=UTC)
    async with uow:
        ids = [p["id"] for p in await uow.reports.programs(chapter_id)]
        counts = await uow.reports.trends(ids, since)
    return publish(labels, list(TRENDS), [[counts.get(m, {}).get(c, 0) for c in TRENDS] for m in labels])


async def exported(report: str, chapter_id: UUID | None, uow: MatchingUnitOfWorkPort, caller: Principal) -> None:
    """A report downloaded as CSV: audited."""
    async with uow:
        uow.audit(caller, "report.exported", "report", report, chapter_id=chapter_id, detail={"report": report})
        await uow.commit()
