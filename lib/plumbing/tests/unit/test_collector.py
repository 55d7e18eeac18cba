"""The cyclic collector pauses for a burst of work and comes back after it, however bursts overlap."""

import gc

import pytest
from plumbing.collector import collector_paused


def test_the_collector_is_off_during_a_burst_and_on_again_after_it_even_when_it_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("the burst failed")
    assert gc.isenabled()


def test_overlapping_bursts_leave_the_collector_off_until_the_last_one_ends():
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_that_was_off_before_a_burst_stays_off_after_it():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
