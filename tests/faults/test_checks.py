"""The fault harness's checker tells one logical message from another (bench/faults/checks.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's root, for bench.faults

from bench.faults.checks import subject_of

PROGRAM = "7a1f0c52-0000-4000-8000-000000000001"
ENDED_PAIRING = "7a1f0c52-0000-4000-8000-000000000002"


def test_a_place_on_the_waitlist_told_again_after_a_pairing_closed_is_a_new_message():
    first_wait = {"program_id": PROGRAM, "position": 3, "after_pairing_id": None}
    wait_after_the_pairing = {"program_id": PROGRAM, "position": 1, "after_pairing_id": ENDED_PAIRING}
    assert subject_of(first_wait) != subject_of(wait_after_the_pairing)


def test_two_places_told_for_the_same_wait_are_the_same_message():
    assert subject_of({"program_id": PROGRAM, "position": 3}) == subject_of({"program_id": PROGRAM, "position": 2})


def test_a_message_about_a_pairing_or_a_registration_is_about_that():
    assert subject_of({"pairing_id": ENDED_PAIRING, "program_id": PROGRAM}) == ENDED_PAIRING
    assert subject_of({"registration_id": "r-1", "program_id": PROGRAM}) == "r-1"
