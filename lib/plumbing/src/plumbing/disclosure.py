"""Small-cell suppression for published counts, so that no report singles out a small group.

A report is a table of counts with its row totals, column totals and grand total; its rows may be grouped (a
chapter's programs), each group with its own totals, so that a chapter's table and the national table of chapters
come from one publication and cannot be set against each other. A count from 1 to `threshold - 1` is shown as
"fewer than <threshold>" (primary suppression). Zeros are shown: they single out nobody. Another cell is withheld
where showing it would let a reader work a small count out (secondary suppression): first wherever a line (a row, a
column, a group's column) hides exactly one cell, which its total would give away; then until an exact audit finds
every small count safe.

The audit. A reader knows the shown cells, that each small count is 1..threshold-1, each withheld cell at least 0,
and that every line adds up to its total; a small count is safe when at least two values of it are consistent with
all that. Every such table is a circulation: take a node per line (a row; a group's column, one per group and column,
totals included; the whole's column; the whole's row) and make each cell an arc carrying its count, from the line it
totals into the line it is a part of:

    whole's row → whole's column s → group g's column s → leaf row p → group g's total column → whole's total column
    → whole's row

(without groups, the leaf rows hang from the whole's columns directly). Every node then takes in what it gives out.
The constraint matrix of a network is totally unimodular, so the least and the most a cell may hold are whole numbers
reached by integer tables, and an integer difference of two consistent tables decomposes into unit cycles, each
within the bounds. Hence a small count may take another value if and only if some cycle through it can move by one:
its own bound leaves room to go up (down) by one, and, in the residual graph of the true table (an arc's direction
for a cell that may go up by one, against it for one that may go down), its head reaches its tail (its tail its
head) without using the cell itself. One breadth-first search per direction and small count: no solver.

A total not published at all (`row_totals=False`, where a row's columns are different measures that do not add up to
anything) is a withheld cell from the start: the reader knows nothing of it, and it is left out of every view.

This is a privacy mechanism, not a rule of the mentorship domain: every service that reports counts uses it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
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
    """The table as it may be shown: `cells[r][c]`, `row_totals[r]`, `column_totals[c]`, `total`. A margin is None
    where the table has none (its columns do not add up to anything, or it was put together from other tables)."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    total: Cell | None
    threshold: int


class CellOut(BaseModel):
    value: int | None
    shown: Shown


class PublishedOut(BaseModel):
    """A published table as an HTTP answer: the JSON of `Published`."""

    rows: list[str]
    columns: list[str]
    cells: list[list[CellOut]]
    row_totals: list[CellOut] | None
    column_totals: list[CellOut] | None
    total: CellOut | None
    threshold: int

    @classmethod
    def of(cls, published: Published) -> PublishedOut:
        return cls.model_validate(asdict(published))


def as_csv(published: Published, corner: str = "") -> str:
    """The table as CSV, totals last where it has them: a small count as "<threshold", a withheld cell empty."""

    def text(cell: Cell | None) -> str:
        if cell is None:
            return ""
        return (str(cell.value) if cell.shown is Shown.EXACT
                else f"<{published.threshold}" if cell.shown is Shown.FEWER_THAN_THRESHOLD else "")

    totals = published.row_totals is not None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([corner, *published.columns, *(["total"] if totals else [])])
    for r, (label, cells) in enumerate(zip(published.rows, published.cells, strict=True)):
        writer.writerow([label, *map(text, cells), *([text(published.row_totals[r])] if published.row_totals else [])])
    if published.column_totals is not None:
        writer.writerow(["total", *map(text, published.column_totals), *([text(published.total)] if totals else [])])
    return out.getvalue()


def side_by_side(tables: Mapping[str, Published], column: str | None) -> Published:
    """One column of each table (or its row totals, for None), under the tables' names: tables of one measure each,
    published together, shown as one table of measures. Nothing is added up across them."""
    first = next(iter(tables.values()))

    def part(table: Published) -> tuple[tuple[Cell, ...], Cell | None]:
        if column is None:
            return table.row_totals or (), table.total
        c = table.columns.index(column)
        return tuple(row[c] for row in table.cells), table.column_totals[c] if table.column_totals else None

    parts = [part(table) for table in tables.values()]
    totals = [total for _, total in parts]
    return Published(
        rows=first.rows, columns=tuple(tables),
        cells=tuple(tuple(cells[r] for cells, _ in parts) for r in range(len(first.rows))),
        row_totals=None, column_totals=None if None in totals else tuple(t for t in totals if t is not None),
        total=None, threshold=first.threshold)


def only_columns(published: Published, keep: Sequence[str]) -> Published:
    """The table with only the columns in `keep` (in its order): showing less of a publication gives nothing more
    away. Only for a table without row totals, which would add up columns no longer shown."""
    if published.row_totals is not None:
        raise ValueError("a table with row totals keeps every column they add up")
    wanted = [c for c, column in enumerate(published.columns) if column in set(keep)]
    return Published(
        rows=published.rows, columns=tuple(published.columns[c] for c in wanted),
        cells=tuple(tuple(row[c] for c in wanted) for row in published.cells), row_totals=None,
        column_totals=None if published.column_totals is None else tuple(published.column_totals[c] for c in wanted),
        total=None, threshold=published.threshold)


@dataclass(frozen=True)
class Grouped:
    """A table of grouped rows published once: each group's table of its rows, and the table of the groups, agree
    with each other (a reader holding all of them can work out no small count)."""

    groups: dict[str, Published]  # each group's rows, its own cells as the column totals
    across: Published  # a row per group, the whole as the column totals

    def within(self, group: str) -> Published:
        """The group's rows (none for a group with no rows: every count of it is 0)."""
        if group in self.groups:
            return self.groups[group]
        zero = Cell(0, Shown.EXACT)
        width = len(self.across.columns)
        return Published((), self.across.columns, (), () if self.across.row_totals is not None else None,
                         (zero,) * width, zero if self.across.total is not None else None, self.across.threshold)


def publish(rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]], *,
            row_totals: bool = True, threshold: int = THRESHOLD) -> Published:
    """Suppress `counts` (one list per row, one count per column) and its margins for publication; without
    `row_totals` when a row's counts do not add up to anything (its totals are then neither shown nor assumed)."""
    if len(counts) != len(rows) or any(len(row) != len(columns) for row in counts):
        raise ValueError("counts must have one list per row and one count per column")
    table = _Table(None, list(rows), list(columns), [list(row) for row in counts], row_totals, threshold)
    return table.leaves_of(None)


def publish_grouped(groups: Mapping[str, Sequence[str]], columns: Sequence[str],
                    counts: Mapping[str, Sequence[int]], *, row_totals: bool = True,
                    threshold: int = THRESHOLD) -> Grouped:
    """Suppress the rows of `groups` (group → its rows; `counts` gives each row's counts, one per column) with each
    group's totals and the whole's, as one publication: `within(group)` and `across` agree."""
    rows = [row for members in groups.values() for row in members]
    if len(set(rows)) != len(rows) or any(len(counts[row]) != len(columns) for row in rows):
        raise ValueError("each row in one group, with one count per column")
    table = _Table({g: list(m) for g, m in groups.items()}, rows, list(columns), [list(counts[r]) for r in rows],
                   row_totals, threshold)
    return Grouped({g: table.leaves_of(g) for g in groups}, table.groups_table())


_UNBOUNDED = 1 << 62
# Preference when a cell must be withheld: a row's count first, then a row's total or a group's count, then a
# group's total, then the whole's.
_LEAF, _LEAF_TOTAL, _GROUP, _GROUP_TOTAL, _WHOLE = 0, 1, 1, 2, 3


class _Table:
    """The table as a circulation (see the module's docstring): `arcs[i] = (tail, head)`, `values[i]`,
    `shown[i]`; cells found by key: ("leaf", row, column), ("group", group, column), ("whole", column), the total
    column being `len(columns)`."""

    def __init__(self, groups: dict[str, list[str]] | None, rows: list[str], columns: list[str],
                 counts: list[list[int]], row_totals: bool, threshold: int) -> None:
        self.groups_of, self.rows, self.columns, self.threshold = groups, rows, columns, threshold
        self.has_row_totals = row_totals
        width = len(columns)
        self.arcs: list[tuple[int, int]] = []
        self.values: list[int] = []
        self.levels: list[int] = []
        self.index: dict[tuple, int] = {}
        nodes: dict[tuple, int] = {}

        def node(key: tuple) -> int:
            return nodes.setdefault(key, len(nodes))

        def arc(key: tuple, tail: tuple, head: tuple, value: int, level: int) -> None:
            self.index[key] = len(self.arcs)
            self.arcs.append((node(tail), node(head)))
            self.values.append(value)
            self.levels.append(level)

        group_of = {row: g for g, members in (groups or {}).items() for row in members}
        self.position = {row: r for r, row in enumerate(rows)}
        whole = [sum(row[c] for row in counts) for c in range(width)]
        arc(("whole", width), ("whole column", width), ("whole row",), sum(whole), _WHOLE)
        for c in range(width):
            arc(("whole", c), ("whole row",), ("whole column", c), whole[c], _WHOLE)
        if groups is not None:
            for g, members in groups.items():
                sums = [sum(counts[self.position[r]][c] for r in members) for c in range(width)]
                arc(("group", g, width), ("group column", g, width), ("whole column", width), sum(sums),
                    _GROUP_TOTAL)
                for c in range(width):
                    arc(("group", g, c), ("whole column", c), ("group column", g, c), sums[c], _GROUP)
        for r, row in enumerate(rows):
            above = ("group column", group_of[row]) if groups is not None else ("whole column",)
            arc(("leaf", r, width), ("row", r), (*above, width), sum(counts[r]), _LEAF_TOTAL)
            for c in range(width):
                arc(("leaf", r, c), (*above, c), ("row", r), counts[r][c], _LEAF)
        # The group a node belongs to (a row of it, or one of its columns); None for the whole's.
        self.region: list[str | None] = [None] * len(nodes)
        for key, n in nodes.items():
            if key[0] == "row" and groups is not None:
                self.region[n] = group_of[rows[key[1]]]
            elif key[0] == "group column":
                self.region[n] = key[1]
        self.out_arcs: list[list[int]] = [[] for _ in nodes]
        self.in_arcs: list[list[int]] = [[] for _ in nodes]
        for i, (tail, head) in enumerate(self.arcs):
            self.out_arcs[tail].append(i)
            self.in_arcs[head].append(i)
        self.unpublished: set[int] = set()
        if not row_totals:
            self.unpublished = {self.index[("leaf", r, width)] for r in range(len(rows))}
            self.unpublished |= {self.index[("group", g, width)] for g in groups or ()}
            self.unpublished.add(self.index[("whole", width)])
        self.shown = [Shown.WITHHELD if i in self.unpublished
                      else Shown.FEWER_THAN_THRESHOLD if 0 < v < threshold else Shown.EXACT
                      for i, v in enumerate(self.values)]
        self._hide_lone_cells()
        self._audit()

    # --- secondary suppression -----------------------------------------------------------------------------------

    def _cheapest(self, candidates: list[int]) -> int:
        # A zero hides little (it cannot be less), so it comes last.
        return min(candidates, key=lambda i: (self.levels[i], self.values[i] == 0, self.values[i]))

    def _hide_lone_cells(self) -> None:
        """Wherever a line hides exactly one cell, its total would give it away: withhold another of the line."""
        changed = True
        while changed:
            changed = False
            for node in range(len(self.out_arcs)):
                line = self.out_arcs[node] + self.in_arcs[node]
                hidden = [i for i in line if self.shown[i] is not Shown.EXACT]
                candidates = [i for i in line if self.shown[i] is Shown.EXACT]
                # (A total not published hides nothing: the line's counts are then safe from it.)
                if len(hidden) == 1 and hidden[0] not in self.unpublished and candidates:
                    self.shown[self._cheapest(candidates)] = Shown.WITHHELD
                    changed = True

    def _slack(self, i: int) -> tuple[int, int]:
        """(up, down): how far the cell may move from its true value."""
        value, how = self.values[i], self.shown[i]
        low, high = ((value, value) if how is Shown.EXACT else (1, self.threshold - 1)
                     if how is Shown.FEWER_THAN_THRESHOLD else (0, _UNBOUNDED))
        return high - value, value - low

    def _search(self, start: int, goal: int, skip: int, forward: bool,
                within: str | None = None) -> tuple[bool, set[int]]:
        """Whether `goal` is reached from `start` in the residual graph without the cell `skip` (on the reversed graph
        when not `forward`), and the nodes seen; only through the nodes of one group if `within` names it."""
        # Forward: along an arc that may go up, against one that may go down.
        along, against = (self.up, self.down) if forward else (self.down, self.up)
        arcs, out_arcs, in_arcs, region = self.arcs, self.out_arcs, self.in_arcs, self.region
        seen, frontier = {start}, [start]
        while frontier:
            next_frontier = []
            for node in frontier:
                if node == goal:
                    return True, seen
                for i in out_arcs[node]:
                    n = arcs[i][1]
                    if along[i] and i != skip and n not in seen and (within is None or region[n] == within):
                        seen.add(n)
                        next_frontier.append(n)
                for i in in_arcs[node]:
                    n = arcs[i][0]
                    if against[i] and i != skip and n not in seen and (within is None or region[n] == within):
                        seen.add(n)
                        next_frontier.append(n)
            frontier = next_frontier
        return goal in seen, seen

    def _withhold(self, i: int) -> None:
        self.shown[i] = Shown.WITHHELD
        self.up[i], self.down[i] = (v >= 1 for v in self._slack(i))

    def _audit(self) -> None:
        """Withhold more cells until every small count has at least two values consistent with what is published.
        Withholding only adds room, so a count found safe stays safe: each is settled once. A cycle is looked for
        first within the cell's group (most close there), then everywhere."""
        if self.threshold < 3:
            return  # under a threshold of 2 a small count can only be 1: nothing hides it
        moves = [self._slack(i) for i in range(len(self.arcs))]
        self.up, self.down = [up >= 1 for up, _ in moves], [down >= 1 for _, down in moves]
        for a, (tail, head) in enumerate(self.arcs):
            if self.shown[a] is not Shown.FEWER_THAN_THRESHOLD:
                continue
            local = self.region[tail] if self.region[tail] == self.region[head] else None
            while True:
                directions = ([(head, tail)] if self.up[a] else []) + ([(tail, head)] if self.down[a] else [])
                found: list[tuple[set[int], set[int]]] = []
                for start, goal in directions:
                    if local is not None and self._search(start, goal, a, forward=True, within=local)[0]:
                        break
                    reached, seen = self._search(start, goal, a, forward=True)
                    if reached:
                        break
                    found.append((seen, self._search(goal, start, a, forward=False)[1]))
                else:
                    choice = self._to_withhold(found)
                    if choice is None:
                        break  # nothing left to withhold (a degenerate table): every cell that can be hidden is
                    self._withhold(choice)
                    continue
                break

    def _to_withhold(self, found: list[tuple[set[int], set[int]]]) -> int | None:
        """A shown cell whose withholding joins what a search reached to what reaches its goal (the cycle then
        closes), else one next to either, else any; among those the cheapest."""
        touched = set().union(*(seen | reaching for seen, reaching in found))
        nearby = {i for node in touched for i in (*self.out_arcs[node], *self.in_arcs[node])}
        best, best_key = None, None
        for i in nearby or range(len(self.arcs)):
            if self.shown[i] is not Shown.EXACT:
                continue
            tail, head = self.arcs[i]
            # Withheld, a cell may go up without bound, and down if it is above zero.
            joins = any((tail in seen and head in reaching) or (self.values[i] > 0 and head in seen and tail in reaching)
                        for seen, reaching in found)
            key = (0 if joins else 1, self.levels[i], self.values[i])
            if best_key is None or key < best_key:
                best, best_key = i, key
        if best is None:  # nothing shown next to the searches: the cheapest anywhere
            shown = [i for i in range(len(self.arcs)) if self.shown[i] is Shown.EXACT]
            return self._cheapest(shown) if shown else None
        return best

    # --- views ---------------------------------------------------------------------------------------------------

    def _cell(self, key: tuple) -> Cell:
        i = self.index[key]
        return Cell(self.values[i] if self.shown[i] is Shown.EXACT else None, self.shown[i])

    def _margin(self, key: tuple) -> Cell | None:
        return self._cell(key) if self.has_row_totals else None

    def leaves_of(self, group: str | None) -> Published:
        """The rows of a group (all rows, without groups), with the group's (the whole's) cells as column totals."""
        width = len(self.columns)
        members = range(len(self.rows)) if group is None else [self.position[r] for r in (self.groups_of or {})[group]]
        above = ("whole",) if group is None else ("group", group)
        return Published(
            rows=tuple(self.rows[r] for r in members), columns=tuple(self.columns),
            cells=tuple(tuple(self._cell(("leaf", r, c)) for c in range(width)) for r in members),
            row_totals=tuple(self._cell(("leaf", r, width)) for r in members) if self.has_row_totals else None,
            column_totals=tuple(self._cell((*above, c)) for c in range(width)),
            total=self._margin((*above, width)), threshold=self.threshold)

    def groups_table(self) -> Published:
        width, groups = len(self.columns), list(self.groups_of or ())
        return Published(
            rows=tuple(groups), columns=tuple(self.columns),
            cells=tuple(tuple(self._cell(("group", g, c)) for c in range(width)) for g in groups),
            row_totals=tuple(self._cell(("group", g, width)) for g in groups) if self.has_row_totals else None,
            column_totals=tuple(self._cell(("whole", c)) for c in range(width)),
            total=self._margin(("whole", width)), threshold=self.threshold)
