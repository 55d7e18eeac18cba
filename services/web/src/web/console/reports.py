"""Reports: the services' published tables (every suppression decided by `plumbing.disclosure` in the service;
the web shows a cell as its number, "fewer than 5" or withheld), the trends as SVG charts drawn on the server, and
the services' CSV exports. A coordinator sees their chapter; an administrator a chapter, or every chapter."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from ..adapters.services import ServiceError
from ..entrypoints import labels as participant_labels
from . import labels
from .core import Console, ConsoleRoute, Desk, spreadsheet_file, spreadsheet_safe, uuid_or_none

router = APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)

REPORTS = {"people": "profiles", "mentorships": "matching", "attendance": "events"}
CHART_WIDTH, CHART_HEIGHT, MARGIN = 640, 240, 44


def column_label(desk: Desk, code: str) -> str:
    """"<stage>:<measure>" (or "<stage>.<measure>", or a measure alone) in words."""
    for separator in (":", "."):
        if separator in code:
            stage, _, measure = code.partition(separator)
            return f"{desk._(participant_labels.STAGES.get(stage, stage))}: {_measure(desk, measure)}"
    return _measure(desk, code)


def _measure(desk: Desk, code: str) -> str:
    return desk._(labels.MEASURES[code]) if code in labels.MEASURES else code


def cell_words(desk: Desk, cell: dict | None, threshold: int) -> str:
    if not cell:
        return ""
    if cell.get("shown") == "exact" and cell.get("value") is not None:
        return f"{cell['value']:,}"
    if cell.get("shown") == "fewer_than_threshold":
        return desk._(labels.C_("fewer than %(threshold)s"), threshold=threshold)
    return desk._(labels.C_("withheld"))


# More columns than this (its row totals' included), and than rows, and a table is shown turned (its columns down the
# page): a chapter's report, a row or two by a column for each stage and measure, would otherwise scroll sideways on a
# phone.
WIDEST_UNTURNED = 4


def _exactly_none(cell: dict | None) -> bool:
    return cell is not None and cell.get("shown") == "exact" and cell.get("value") == 0


def _stage(code: str) -> str | None:
    """The stage a column counts ("<stage>:<measure>" or "<stage>.<measure>"), None for a measure alone."""
    for separator in (":", "."):
        if separator in code:
            return code.partition(separator)[0]
    return None


def table_view(desk: Desk, table: dict | None, row_names: dict[str, str], *, all_columns: bool = False) -> dict | None:
    """A published table as the template shows it: labels in words, each cell as its words; turned when it has many
    more columns than rows (`WIDEST_UNTURNED`), its row totals then its column totals and the other way round."""
    if not table:
        return None
    threshold = table.get("threshold", 5)
    # A stage whose every column is 0 in every row (a stage nobody in these programs is at) says nothing but takes
    # rows of a phone's page once turned: left out here (the download keeps it). A zero is published as it is, so
    # leaving one out tells no more. A measure is never left out: the table's title names each (a count of 0 says
    # nobody, where a column missing said nothing), and the download has them all.
    everything = list(range(len(table["columns"])))
    stages = [_stage(c) for c in table["columns"]]
    counted = {stages[i] for i in everything if not all(_exactly_none(row[i]) for row in table["cells"])}
    kept = everything if all_columns else [i for i in everything if stages[i] is None or stages[i] in counted]
    kept = kept or everything
    rows = [row_names.get(r, r) for r in table["rows"]]
    columns = [column_label(desk, table["columns"][i]) for i in kept]
    cells = [[cell_words(desk, row[i], threshold) for i in kept] for row in table["cells"]]
    row_totals = [cell_words(desk, c, threshold) for c in table.get("row_totals") or ()]
    column_totals = [cell_words(desk, (table.get("column_totals") or [])[i], threshold)
                     for i in kept] if table.get("column_totals") else []
    if rows and len(columns) + bool(row_totals) > WIDEST_UNTURNED and len(rows) < len(columns):
        rows, columns, row_totals, column_totals = columns, rows, column_totals, row_totals
        cells = [list(column) for column in zip(*cells, strict=True)]
    return {"rows": rows, "columns": columns, "cells": cells, "row_totals": row_totals,
            "column_totals": column_totals, "total": cell_words(desk, table.get("total"), threshold),
            "suppressed": any(c.get("shown") != "exact" for row in table["cells"] for c in row)}


def chart(desk: Desk, table: dict | None, title: str) -> dict | None:
    """The trend table (rows = months, columns = measures) as a line chart: one line per measure, a point per
    month shown exactly; a month not shown exactly is a gap in its line, marked below the axis."""
    if not table or not table["rows"]:
        return None
    months, measures = table["rows"], table["columns"]
    values = [[c.get("value") if c.get("shown") == "exact" else None for c in row] for row in table["cells"]]
    largest = max([v for row in values for v in row if v is not None] + [0])
    scale = _scale(largest)
    top = scale[-1] if largest else 1  # nothing but zeros: their line lies on the axis
    plot_w, plot_h = CHART_WIDTH - 2 * MARGIN, CHART_HEIGHT - 2 * MARGIN
    step = plot_w / max(len(months) - 1, 1)

    def x(i: int) -> float:
        return round(MARGIN + i * step, 1)

    def y(v: int) -> float:
        return round(MARGIN + plot_h - v / top * plot_h, 1)

    lines = []
    for m, measure in enumerate(measures):
        segments: list[list[tuple[float, float]]] = [[]]
        points = []
        for i in range(len(months)):
            v = values[i][m]
            if v is None:
                if segments[-1]:
                    segments.append([])
                continue
            segments[-1].append((x(i), y(v)))
            points.append((x(i), y(v), v))
        paths = [" ".join(f"{px},{py}" for px, py in s) for s in segments if len(s) > 1]
        lines.append({"label": _measure(desk, measure), "paths": paths, "points": points, "style": m % 4})
    hidden = [x(i) for i in range(len(months)) if any(v is None for v in values[i])]
    ticks = [{"x": x(i), "label": month} for i, month in enumerate(months)
             if len(months) <= 12 or i % max(len(months) // 6, 1) == 0]
    for n, tick in enumerate(ticks):  # a phone shows every other one (console.css), larger
        tick["minor"] = len(ticks) > 6 and n % 2 == 1
    grid = [{"y": y(v), "label": v} for v in scale]
    return {"title": title, "width": CHART_WIDTH, "height": CHART_HEIGHT, "lines": lines, "ticks": ticks,
            "grid": grid, "hidden": hidden, "base": MARGIN + plot_h, "left": MARGIN, "right": CHART_WIDTH - MARGIN}


def _scale(largest: int) -> list[int]:
    """The chart's scale for counts up to `largest`: 0, then whole steps of 1, 2 or 5 times a power of ten, at most
    four, to the first at or past it (0, 50, 100, 150 for 120); only 0 when every count is 0."""
    if largest <= 0:
        return [0]
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            if -(-largest // step) <= 4:
                return list(range(0, step * -(-largest // step) + 1, step))
        power *= 10


def _all_zero(table: dict) -> bool:
    """Every count shown, and each of them 0 (a count kept back may hide more)."""
    return all(c.get("shown") == "exact" and not c.get("value") for row in table["cells"] for c in row)


async def _optional(call) -> Any:
    """A report a service does not answer yet is left out rather than failing the page."""
    try:
        return await call
    except ServiceError as error:
        if error.status in (403,) or error.status >= 500:
            raise
        return None


# A month's "paired" counts mentorships confirmed in it, not pairs proposed as the mentorships table's does.
TREND_MEASURES = {"paired": "confirmed"}


def _row_names(desk: Desk, programs: list[dict], chapters: list[dict], events: list[list[dict] | None]) -> dict:
    """What the reports' rows are kept as (a program's, chapter's or event's id) by the name people know."""
    row_names = {p["id"]: p["name"] for p in programs} | {c["id"]: c["name"] for c in chapters}
    row_names |= {e["id"]: e["title"] for listed in events for e in listed or ()}
    row_names[""] = row_names["national"] = desk._(labels.C_("National"))
    return row_names


def _events_listed(desk: Desk, chapter_id: str) -> list:
    """The calls for the events a report may have a row for: those published, held and cancelled."""
    return [_optional(desk.api.call("events", "GET", "/v1/events", desk.staff,
                                    params={"chapter_id": chapter_id, "limit": 200, "status": state}))
            for state in ("published", "completed", "cancelled")]


@router.get("/reports")
async def reports(desk: Console, chapter_id: str = "", stage: str = "") -> Response:
    staff = desk.staff
    stage = stage if stage in participant_labels.STAGES else ""
    chapters = await desk.chapters()
    if not staff.administrator and not chapter_id and staff.coordinator_of:
        chapter_id = str(staff.coordinator_of[0])
    params = {"chapter_id": chapter_id}
    people, mentorships, trends, attendance, programs, *events = await asyncio.gather(
        _optional(desk.api.call("profiles", "GET", "/v1/reports/people", staff, params=params)),
        _optional(desk.api.call("matching", "GET", "/v1/reports/mentorships", staff,
                                params={**params, "stage": stage})),
        _optional(desk.api.call("matching", "GET", "/v1/reports/mentorships/trends", staff,
                                params={**params, "months": 12})),
        _optional(desk.api.call("events", "GET", "/v1/reports/attendance", staff, params=params)),
        desk.programs(), *_events_listed(desk, chapter_id))
    if trends:
        trends = {**trends, "columns": [TREND_MEASURES.get(c, c) for c in trends["columns"]]}
        if _all_zero(trends):  # a chapter's first year: a flat line and a table of zeros say nothing
            trends = {**trends, "rows": [], "cells": []}
    row_names = _row_names(desk, programs, chapters, events)
    meetings = (mentorships or {}).get("meetings_per_pairing")
    return desk.render(
        "console/reports.html", chapters=chapters, chapter_id=chapter_id, stage=stage,
        people=table_view(desk, people, row_names), mentorships=table_view(desk, mentorships, row_names),
        meetings=table_view(desk, meetings, row_names), attendance=table_view(desk, attendance, row_names),
        trends=table_view(desk, trends, {}, all_columns=True),  # the months' measures, as its chart and title
        trend_chart=chart(desk, trends, desk._(labels.C_("Mentorships by month"))))


@router.get("/reports/{name}.csv")
async def export(name: str, desk: Console, chapter_id: str = "", stage: str = "") -> Response:
    if name not in REPORTS and name != "mentorships-trends":
        return desk.render("console/not_found.html", 404)
    if chapter_id and uuid_or_none(chapter_id) is None:
        return desk.render("console/not_found.html", 404)
    trends = name == "mentorships-trends"
    service = REPORTS.get(name, "matching")
    path = "/v1/reports/mentorships/trends.csv" if trends else f"/v1/reports/{name}.csv"
    stage = stage if name == "mentorships" and stage in participant_labels.STAGES else ""
    params = {"chapter_id": chapter_id, "stage": stage}

    async def row_names() -> dict[str, str]:
        if trends:  # its rows are months: no name to look up
            return {}
        programs, chapters, *events = await asyncio.gather(
            desk.programs(), desk.chapters(), *(_events_listed(desk, chapter_id) if name == "attendance" else ()))
        return _row_names(desk, programs, chapters, events)

    body, named = await asyncio.gather(desk.api.call(service, "GET", path, desk.staff, params=params), row_names())
    return spreadsheet_file(_in_words(desk, body if isinstance(body, str) else "", named,
                                      TREND_MEASURES if trends else {}), f"{name}-report.csv")


CORNERS = {"program": labels.C_("Program"), "chapter": labels.C_("Chapter"), "month": labels.C_("Month")}


def _in_words(desk: Desk, exported: str, row_names: dict[str, str], measures: dict[str, str]) -> str:
    """A service's CSV export as the page words it: rows by name, columns by label (a measure by what `measures`
    says it counts), in the reader's language; the cells as the service wrote them ("<5" for a count under the
    threshold), but one withheld (written empty) as the page says it, "withheld"."""
    table = list(csv.reader(io.StringIO(exported)))
    if not table:
        return exported
    total, withheld = desk._(labels.C_("Total")), desk._(labels.C_("withheld"))
    corner, *columns = table[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([desk._(CORNERS[corner]) if corner in CORNERS else "",
                     *(total if c == "total" else column_label(desk, measures.get(c, c)) for c in columns)])
    for row, *cells in table[1:]:
        writer.writerow([total if row == "total" else spreadsheet_safe(row_names.get(row, row)),
                         *(cell or withheld for cell in cells)])
    return out.getvalue()
