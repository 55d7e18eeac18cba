"""Small-cell suppression for published counts, so that no report singles out a small group.

A report is a table of counts with its row totals, column totals and grand total. A count from 1 to
`threshold - 1` is shown as "fewer than <threshold>" (primary suppression). A suppressed cell alone in its row or
column could be recovered by subtracting the others from the total, so another cell of that line is hidden too
(secondary suppression: the smallest count of the line, a total only when no count is left), until every row and
every column, totals included, hides either none or at least two of its cells, and the hidden cells of a line do
not add up to the least or the most their ranges allow (which would give each of them away). Zeros are shown:
they single out nobody.

That line rule is not enough: combinations of lines can still pin a small count down (two "fewer than 5" in a row
whose total is 8 are both 4; and cross-line combinations). So each small count is then audited exactly: a reader
knows the shown cells, that each small count is 1..threshold-1 and each withheld cell is at least 0, and that the
rows and columns add up to their totals; a small count is safe when at least two values of it are consistent with
all that. While one is not, another cell is withheld.

Why the audit is exact and cheap. Negate the cells of the totals row and of the totals column (not their corner):
every row and every column of the grid, totals included, then adds up to zero. Two tables consistent with what is
shown differ by such a zero-sum grid, a circulation on the bipartite graph whose nodes are the rows and the columns
and whose edges are the cells. The constraint matrix is totally unimodular (each cell is in one row and one column
equation), so the least and the most a cell may hold are whole numbers, reached by integer tables; and an integer
difference decomposes into unit cycles, each within the bounds. Hence a small count may take another value if and
only if some cycle through it can move by one: its own bound leaves room to go up (down) by one, and, in the
residual graph of the true table (an arc row→column for a cell that may go up by one, column→row for one that may
go down), its column reaches its row (its row reaches its column) without using the cell itself. One breadth-first
search per direction and small count: no solver, no dependency.

This is a privacy mechanism, not a rule of the mentorship domain: every service that reports counts uses it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

from pydantic import BaseModel

THRESHOLD = 5


class Shown(StrEnum):
    EXACT = "exact"
    FEWER_THAN_THRESHOLD = "fewer_than_threshold"  # primary: a small group
    WITHHELD = "withheld"  # secondary: shown, it would let a reader work out a small group


@dataclass(frozen=True)
class Cell:
    value: int | None  # None unless shown exactly
    shown: Shown


@dataclass(frozen=True)
class Published:
    """The table as it may be shown: `cells[r][c]`, `row_totals[r]`, `column_totals[c]`, `total`."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    total: Cell
    threshold: int


class CellOut(BaseModel):
    value: int | None
    shown: Shown


class PublishedOut(BaseModel):
    """A published table as an HTTP answer: the JSON of `Published`."""

    rows: list[str]
    columns: list[str]
    cells: list[list[CellOut]]
    row_totals: list[CellOut]
    column_totals: list[CellOut]
    total: CellOut
    threshold: int

    @classmethod
    def of(cls, published: Published) -> PublishedOut:
        return cls.model_validate(asdict(published))


def as_csv(published: Published, corner: str = "") -> str:
    """The table as CSV, totals last: a small count as "<threshold", a withheld cell empty."""

    def text(cell: Cell) -> str:
        return (str(cell.value) if cell.shown is Shown.EXACT
                else f"<{published.threshold}" if cell.shown is Shown.FEWER_THAN_THRESHOLD else "")

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([corner, *published.columns, "total"])
    for label, cells, total in zip(published.rows, published.cells, published.row_totals, strict=True):
        writer.writerow([label, *map(text, cells), text(total)])
    writer.writerow(["total", *map(text, published.column_totals), text(published.total)])
    return out.getvalue()


def publish(rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]],
            threshold: int = THRESHOLD) -> Published:
    """Suppress `counts` (one list per row, one count per column) and its margins for publication."""
    height, width = len(rows), len(columns)
    if len(counts) != height or any(len(row) != width for row in counts):
        raise ValueError("counts must have one list per row and one count per column")
    # The table with its margins: row `height` holds the column totals, column `width` the row totals.
    grid = [list(row) + [sum(row)] for row in counts]
    grid.append([sum(counts[r][c] for r in range(height)) for c in range(width)] + [sum(map(sum, counts))])
    shown = [[Shown.FEWER_THAN_THRESHOLD if 0 < value < threshold else Shown.EXACT for value in row] for row in grid]
    lines = [[(r, c) for c in range(width + 1)] for r in range(height + 1)]
    lines += [[(r, c) for r in range(height + 1)] for c in range(width + 1)]
    def hidden_sum_gives_them_away(hidden: list[tuple[int, int]]) -> bool:
        # Each small count lies in 1..threshold-1; a line's hidden cells add up to what its total leaves. When
        # that sum is the least or the most they could hold, every one of them is known.
        total = sum(grid[r][c] for r, c in hidden)
        if any(shown[r][c] is Shown.WITHHELD for r, c in hidden):
            return total == 0
        return total in (len(hidden), len(hidden) * (threshold - 1))

    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [cell for cell in line if shown[cell[0]][cell[1]] is not Shown.EXACT]
            if not hidden or (len(hidden) > 1 and not hidden_sum_gives_them_away(hidden)):
                continue
            candidates = [cell for cell in line if shown[cell[0]][cell[1]] is Shown.EXACT]
            if not candidates:
                continue
            # Hide the cell that costs the reader least: a count before a total, the smallest count first, but not a
            # zero (a hidden zero hides little: it cannot be less).
            r, c = min(candidates, key=lambda cell: (cell[0] == height or cell[1] == width,
                                                     grid[cell[0]][cell[1]] == 0, grid[cell[0]][cell[1]]))
            shown[r][c] = Shown.WITHHELD
            changed = True

    _audit(grid, shown, threshold)

    def cell(r: int, c: int) -> Cell:
        how = shown[r][c]
        return Cell(grid[r][c] if how is Shown.EXACT else None, how)

    return Published(
        rows=tuple(rows), columns=tuple(columns),
        cells=tuple(tuple(cell(r, c) for c in range(width)) for r in range(height)),
        row_totals=tuple(cell(r, width) for r in range(height)),
        column_totals=tuple(cell(height, c) for c in range(width)),
        total=cell(height, width),
        threshold=threshold,
    )


_UNBOUNDED = 1 << 62


def _audit(grid: list[list[int]], shown: list[list[Shown]], threshold: int) -> None:
    """Withhold more cells until every small count has at least two values consistent with what is published (see
    the module's docstring). Withholding only adds room, so a count found safe stays safe: each is settled once."""
    height, width = len(grid) - 1, len(grid[0]) - 1
    rows, columns = height + 1, width + 1  # nodes: rows 0..height, then columns (offset by `rows`)

    def slack(r: int, c: int) -> tuple[int, int]:
        """(up, down): how far the cell, negated in the totals row and column, may move from its true value."""
        value, how = grid[r][c], shown[r][c]
        low, high = ((value, value) if how is Shown.EXACT else (1, threshold - 1)
                     if how is Shown.FEWER_THAN_THRESHOLD else (0, _UNBOUNDED))
        up, down = high - value, value - low
        return (down, up) if (r == height) != (c == width) else (up, down)

    def reaches(start: int, goal: int, skip: tuple[int, int]) -> tuple[bool, set[int]]:
        """Whether `goal` is reached from `start` in the residual graph without the cell `skip`; the nodes seen."""
        seen, frontier = {start}, [start]
        while frontier:
            node = frontier.pop()
            if node == goal:
                return True, seen
            if node < rows:  # a row: to a column through a cell that may go up
                steps = ((node, c) for c in range(columns))
                nxt = [rows + c for (r, c) in steps if (r, c) != skip and slack(r, c)[0] >= 1]
            else:  # a column: to a row through a cell that may go down
                c = node - rows
                nxt = [r for r in range(rows) if (r, c) != skip and slack(r, c)[1] >= 1]
            for n in nxt:
                if n not in seen:
                    seen.add(n)
                    frontier.append(n)
        return False, seen

    def reached_by(goal: int, skip: tuple[int, int]) -> set[int]:
        """The nodes from which `goal` is reached (the same search on the reversed graph)."""
        seen, frontier = {goal}, [goal]
        while frontier:
            node = frontier.pop()
            if node < rows:  # arcs into a row come from columns, through cells that may go down
                nxt = [rows + c for c in range(columns) if (node, c) != skip and slack(node, c)[1] >= 1]
            else:  # arcs into a column come from rows, through cells that may go up
                c = node - rows
                nxt = [r for r in range(rows) if (r, c) != skip and slack(r, c)[0] >= 1]
            for n in nxt:
                if n not in seen:
                    seen.add(n)
                    frontier.append(n)
        return seen

    for a in range(rows):
        for b in range(columns):
            if shown[a][b] is not Shown.FEWER_THAN_THRESHOLD or threshold < 3:
                continue  # (under a threshold of 2 a small count can only be 1: nothing hides it)
            while True:
                up, down = slack(a, b)
                directions = ([(rows + b, a)] if up >= 1 else []) + ([(a, rows + b)] if down >= 1 else [])
                found: list[tuple[set[int], set[int]]] = []
                safe = False
                for start, goal in directions:
                    reached, seen = reaches(start, goal, (a, b))
                    if reached:
                        safe = True
                        break
                    found.append((seen, reached_by(goal, (a, b))))
                if safe:
                    break
                choice = _cheapest_to_withhold(grid, shown, slack, rows, found, (a, b), height, width)
                if choice is None:
                    break  # nothing left to withhold (a degenerate table): every cell that can be hidden is
                shown[choice[0]][choice[1]] = Shown.WITHHELD


def _cheapest_to_withhold(grid, shown, slack, rows: int, found: list[tuple[set[int], set[int]]],
                          cell: tuple[int, int], height: int, width: int) -> tuple[int, int] | None:
    """The shown cell to withhold for `cell`: one that joins what its search reached to what reaches its goal (the
    cycle then closes), else one next to either, else any; among those a count before a total, the smallest first."""
    best, best_key = None, None
    for r in range(height + 1):
        for c in range(width + 1):
            if shown[r][c] is not Shown.EXACT:
                continue
            value = grid[r][c]
            negated = (r == height) != (c == width)
            # Withheld, it may go up without bound, and down if it is above zero (negated in the totals).
            row_to_column = (not negated) or value > 0
            column_to_row = negated or value > 0
            row, column = r, rows + c
            joins = any((row in seen and column in reaching and row_to_column)
                        or (column in seen and row in reaching and column_to_row) for seen, reaching in found)
            near = any(node in seen or node in reaching for seen, reaching in found for node in (row, column))
            key = (0 if joins else 1 if near else 2, r == height or c == width, value)
            if best_key is None or key < best_key:
                best, best_key = (r, c), key
    return best
