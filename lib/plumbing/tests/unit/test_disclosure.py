"""Small-cell suppression: no count under the threshold can be read, or worked out from what is shown."""

import random
import time

from ortools.linear_solver import pywraplp
from plumbing.disclosure import Published, Shown, publish


def test_counts_under_five_are_shown_as_fewer_than_five_and_zeros_and_large_counts_exactly():
    published = publish(["mentees", "mentors"], ["invited", "paired", "ended early"], [[12, 3, 0], [20, 7, 0]])
    assert published.cells[0][1].shown is Shown.FEWER_THAN_THRESHOLD and published.cells[0][1].value is None
    assert published.cells[0][2].value == 0
    assert published.total.value == 42


def test_a_small_count_alone_in_its_row_hides_another_so_the_total_does_not_give_it_away():
    published = publish(["high school", "pre-med"], ["paired", "waiting"], [[3, 20], [15, 30]])
    assert published.cells[0][0].shown is Shown.FEWER_THAN_THRESHOLD
    hidden_in_row = [cell for cell in published.cells[0] + (published.row_totals[0],) if cell.value is None]
    assert len(hidden_in_row) >= 2


# --- exactness: no small count can be worked out from everything published -----------------------------------




def grid_of(counts: list[list[int]]) -> list[list[int]]:
    grid = [list(row) + [sum(row)] for row in counts]
    return grid + [[sum(col) for col in zip(*grid, strict=True)]]


def shown_of(published: Published) -> list[list]:
    rows = [list(cells) + [total] for cells, total in zip(published.cells, published.row_totals, strict=True)]
    return rows + [list(published.column_totals) + [published.total]]


def recoverable_cells(counts: list[list[int]], published: Published,
                      only: set[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The small counts (all, or `only` these) a reader can pin down: the least and the most each may hold, by
    linear programs (OR-Tools' GLOP) over everything published (shown cells, totals, 1..threshold-1 for a small
    count, at least 0 for a withheld one), are less than one apart. Independent of the audit under test. (The
    constraints of a table with its totals are totally unimodular: these bounds are whole numbers reached by
    integer tables.)"""
    grid, shown = grid_of(counts), shown_of(published)
    height, width = len(grid) - 1, len(grid[0]) - 1
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = [[solver.NumVar(0, solver.infinity(), f"x{r}_{c}") for c in range(width + 1)] for r in range(height + 1)]
    for r in range(height + 1):
        for c in range(width + 1):
            cell = shown[r][c]
            if cell.shown is Shown.EXACT:
                solver.Add(x[r][c] == cell.value)
            elif cell.shown is Shown.FEWER_THAN_THRESHOLD:
                x[r][c].SetBounds(1, published.threshold - 1)
    for r in range(height + 1):
        solver.Add(sum(x[r][:width]) == x[r][width])
    for c in range(width + 1):
        solver.Add(sum(x[r][c] for r in range(height)) == x[height][c])
    recoverable = []
    for r in range(height + 1):
        for c in range(width + 1):
            if shown[r][c].shown is not Shown.FEWER_THAN_THRESHOLD or (only is not None and (r, c) not in only):
                continue
            bounds = []
            for maximise in (False, True):
                objective = solver.Objective()
                objective.Clear()
                objective.SetCoefficient(x[r][c], 1)
                objective.SetMaximization() if maximise else objective.SetMinimization()
                assert solver.Solve() == pywraplp.Solver.OPTIMAL
                bounds.append(objective.Value())
            if bounds[1] - bounds[0] < 1 - 1e-6:
                recoverable.append((r, c))
    return recoverable


def test_two_small_counts_in_a_row_whose_total_is_eight_are_not_both_given_away_as_four():
    counts = [[0, 4, 4], [3, 0, 1], [0, 4, 9]]
    published = publish(["a", "b", "c"], ["x", "y", "z"], counts)
    assert recoverable_cells(counts, published) == []
    assert published.cells[0][1].shown is Shown.FEWER_THAN_THRESHOLD


def test_no_small_count_of_three_hundred_random_small_tables_can_be_worked_out_from_what_is_published():
    rng = random.Random(20261130)
    for _ in range(300):
        height, width = rng.randint(1, 4), rng.randint(1, 4)
        small = rng.random()
        counts = [[rng.choice([0, 0, 1, 2, 3, 4, 4]) if rng.random() < small else rng.randint(0, 12)
                   for _ in range(width)] for _ in range(height)]
        published = publish([str(r) for r in range(height)], [str(c) for c in range(width)], counts)
        assert recoverable_cells(counts, published) == [], counts
        shown = shown_of(published)
        grid = grid_of(counts)
        for r, row in enumerate(shown):
            for c, cell in enumerate(row):
                small_count = 0 < grid[r][c] < published.threshold
                assert (cell.shown is Shown.FEWER_THAN_THRESHOLD) == small_count
                assert cell.value == (grid[r][c] if cell.shown is Shown.EXACT else None)


def test_a_report_sized_table_of_twenty_rows_and_twenty_five_columns_is_published_in_under_two_seconds():
    rng = random.Random(7)
    counts = [[rng.choice([0, 1, 2, 3, 4, 5, 8, 13, 40]) for _ in range(25)] for _ in range(20)]
    started = time.perf_counter()
    published = publish([str(r) for r in range(20)], [str(c) for c in range(25)], counts)
    assert time.perf_counter() - started < 2.0
    small = [(r, c) for r in range(20) for c in range(25) if published.cells[r][c].shown is Shown.FEWER_THAN_THRESHOLD]
    assert recoverable_cells(counts, published, only=set(rng.sample(small, 25))) == []


def test_a_published_table_reads_as_json_and_as_csv_with_small_counts_as_fewer_than_five_and_withheld_cells_empty():
    from plumbing.disclosure import PublishedOut, as_csv

    published = publish(["p"], ["paired", "waiting"], [[3, 20]])
    assert PublishedOut.of(published).model_dump()["cells"][0][0] == {"value": None, "shown": "fewer_than_threshold"}
    lines = as_csv(published, corner="program").splitlines()
    assert lines[0] == "program,paired,waiting,total" and lines[1].startswith("p,<5,")


# --- grouped rows: a chapter's table and the national table come from one publication ---------------------------


def pinned_down(rows: list[str], width: int, counts: dict[str, list[int]],
                published: list[tuple[list[str], Published]], threshold: int = 5) -> list[str]:
    """The small counts a reader holding every table in `published` (each with the rows it adds up: its rows, and
    for its column totals and total all of them) can pin down, by linear programs over the rows' counts (GLOP),
    independent of the audit under test. Each is named "<table>:<row>:<column>"."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    x = {row: [solver.NumVar(0, solver.infinity(), f"{row}_{c}") for c in range(width)] for row in rows}
    cells = []  # (name, expression, cell)
    for t, (members, table) in enumerate(published):
        for r, (label, row_cells) in enumerate(zip(table.rows, table.cells, strict=True)):
            parts = members[r] if isinstance(members[r], list) else [members[r]]
            for c, cell in enumerate(row_cells):
                cells.append((f"{t}:{label}:{c}", sum(x[p][c] for p in parts), cell))
            if table.row_totals is not None:
                cells.append((f"{t}:{label}:total", sum(x[p][c] for p in parts for c in range(width)),
                              table.row_totals[r]))
        everyone = [p for m in members for p in (m if isinstance(m, list) else [m])]
        for c, cell in enumerate(table.column_totals or ()):
            cells.append((f"{t}:total:{c}", sum(x[p][c] for p in everyone), cell))
        if table.total is not None:
            cells.append((f"{t}:total:total", sum(x[p][c] for p in everyone for c in range(width)), table.total))
    for _, expression, cell in cells:
        if cell.shown is Shown.EXACT:
            solver.Add(expression == cell.value)
        elif cell.shown is Shown.FEWER_THAN_THRESHOLD:
            solver.Add(expression >= 1)
            solver.Add(expression <= threshold - 1)
    pinned = []
    for name, expression, cell in cells:
        if cell.shown is not Shown.FEWER_THAN_THRESHOLD:
            continue
        bounds = []
        for maximise in (False, True):
            solver.Minimize(expression) if not maximise else solver.Maximize(expression)
            assert solver.Solve() == pywraplp.Solver.OPTIMAL
            bounds.append(solver.Objective().Value())
        if bounds[1] - bounds[0] < 1 - 1e-6:
            pinned.append(name)
    return pinned


def random_groups(rng: random.Random) -> tuple[dict[str, list[str]], int, dict[str, list[int]]]:
    groups = {f"g{g}": [f"g{g}r{r}" for r in range(rng.randint(1, 3))] for g in range(rng.randint(1, 3))}
    width, small = rng.randint(1, 3), rng.random()
    counts = {row: [rng.choice([0, 1, 2, 3, 4]) if rng.random() < small else rng.randint(0, 12) for _ in range(width)]
              for members in groups.values() for row in members}
    return groups, width, counts


def test_a_chapters_table_and_the_national_table_of_chapters_give_away_no_small_count_read_together():
    from plumbing.disclosure import publish_grouped

    rng = random.Random(20261202)
    for _ in range(200):
        groups, width, counts = random_groups(rng)
        for row_totals in (True, False):
            grouped = publish_grouped(groups, [str(c) for c in range(width)], counts, row_totals=row_totals)
            tables = [(list(members), grouped.within(g)) for g, members in groups.items()]
            tables.append(([list(members) for members in groups.values()], grouped.across))
            rows = [row for members in groups.values() for row in members]
            assert pinned_down(rows, width, counts, tables) == [], (groups, counts, row_totals)
            for g, (cells, total) in zip(groups, zip(grouped.across.cells, grouped.across.row_totals or [None] * 9,
                                                     strict=False), strict=False):
                assert grouped.within(g).column_totals == cells  # the same cells, shown the same way in both
                assert grouped.within(g).total == total


def test_tables_suppressed_alone_let_a_chapter_be_set_against_the_nation_which_one_publication_prevents():
    from plumbing.disclosure import publish_grouped

    # Suppressed alone, the north chapter's table shows its column totals exactly, which the national table hides
    # to protect the south's two small counts: with them, the south's counts are the whole's less the north's.
    groups = {"north": ["a", "b"], "south": ["c"]}
    counts = {"a": [8, 8], "b": [0, 10], "c": [4, 3]}
    alone = [(["a", "b"], publish(["a", "b"], ["ended", "waiting"], [counts["a"], counts["b"]])),
             ([["a", "b"], ["c"]], publish(["north", "south"], ["ended", "waiting"], [[8, 18], [4, 3]]))]
    assert pinned_down(["a", "b", "c"], 2, counts, alone) != []
    grouped = publish_grouped(groups, ["ended", "waiting"], counts)
    together = [(["a", "b"], grouped.within("north")), (["c"], grouped.within("south")),
                ([["a", "b"], ["c"]], grouped.across)]
    assert pinned_down(["a", "b", "c"], 2, counts, together) == []


def test_without_row_totals_none_is_shown_and_a_row_with_one_small_count_needs_no_other_withheld_for_it():
    published = publish(["a", "b", "c"], ["invited", "enrolled"], [[3, 10], [6, 10], [6, 10]], row_totals=False)
    assert published.row_totals is None and published.total is None
    assert [cell.shown for cell in published.cells[1]] == [Shown.EXACT, Shown.EXACT] or \
        [cell.shown for cell in published.cells[2]] == [Shown.EXACT, Shown.EXACT]
    assert all(cell.shown is Shown.EXACT for cell in (published.cells[0][1], published.cells[1][1]))
    assert pinned_down(["a", "b", "c"], 2, {"a": [3, 10], "b": [6, 10], "c": [6, 10]},
                       [(["a", "b", "c"], published)]) == []
    from plumbing.disclosure import as_csv
    assert as_csv(published).splitlines()[0] == ",invited,enrolled"


def test_tables_of_one_measure_each_are_shown_side_by_side_one_column_each_and_nothing_added_across():
    from plumbing.disclosure import side_by_side

    waiting = publish(["a", "b"], ["ms1", "ms2"], [[7, 8], [9, 10]])
    active = publish(["a", "b"], ["ms1", "ms2"], [[5, 6], [11, 12]])
    shown = side_by_side({"waiting": waiting, "active": active}, "ms2")
    assert shown.columns == ("waiting", "active") and shown.row_totals is None and shown.total is None
    assert [[c.value for c in row] for row in shown.cells] == [[8, 6], [10, 12]]
    assert [c.value for c in shown.column_totals or ()] == [18, 18]
    whole = side_by_side({"waiting": waiting, "active": active}, None)
    assert [[c.value for c in row] for row in whole.cells] == [[15, 11], [19, 23]]
    assert [c.value for c in whole.column_totals or ()] == [34, 34]
