"""Small-cell suppression for published counts, so that no report singles out a small group.

A report is a table of counts with its row totals, column totals and grand total. A count from 1 to
`threshold - 1` is shown as "fewer than <threshold>" (primary suppression). A suppressed cell alone in its row or
column could be recovered by subtracting the others from the total, so another cell of that line is hidden too
(secondary suppression: the smallest count of the line, a total only when no count is left), until every row and
every column, totals included, hides either none or at least two of its cells, and the hidden cells of a line do
not add up to the least or the most their ranges allow (which would give each of them away). Zeros are shown:
they single out nobody.

This is a privacy mechanism, not a rule of the mentorship domain: every service that reports counts uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

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
