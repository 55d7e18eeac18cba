"""A consumer is taken as stalled only when it sits idle while its partitions have messages waiting, twice running."""

from plumbing.consumer import StallWatch


def test_a_consumer_idle_past_the_limit_with_messages_waiting_at_two_checks_in_a_row_has_stalled():
    watch = StallWatch(stall_seconds=60)
    assert not watch.stalled(idle_for=61, waiting=5)
    assert watch.stalled(idle_for=76, waiting=5)


def test_one_check_is_not_enough_as_after_a_freeze_the_backlog_is_taken_at_once():
    watch = StallWatch(stall_seconds=60)
    assert not watch.stalled(idle_for=90, waiting=40)  # just thawed
    assert not watch.stalled(idle_for=0.5, waiting=12)  # taking its backlog
    assert not watch.stalled(idle_for=70, waiting=3)


def test_a_consumer_applying_a_batch_or_with_nothing_waiting_has_not_stalled():
    watch = StallWatch(stall_seconds=60)
    for _ in range(3):
        assert not watch.stalled(idle_for=None, waiting=100)  # a batch under way, however long
    for _ in range(3):
        assert not watch.stalled(idle_for=600, waiting=0)  # nothing to take
