"""Small-cell suppression: no count under the threshold can be read, or worked out from what is shown."""

from plumbing.disclosure import Shown, publish


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
