"""The fault harness (bench/faults), small: the real platform with two instances of each service under a mixed HTTP
workload while every kind of fault is injected (kill -9 of instances, Kafka stopped and killed, PostgreSQL restarted,
an instance frozen past its session timeout, slow and reset connections); afterwards nothing accepted is lost,
nothing takes effect twice, and no invariant breaks. One run serves every test; it is kept short for CI (the load phase is 96 s).

The full run is `uv run python -m bench.faults` (bench/README.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository's root, for bench.faults

from bench.faults.faults import KINDS, Timing
from bench.faults.run import Options, Report, render, render_findings, render_instance_logs, run_harness

OPTIONS = Options(
    scale=0.03,  # 150 mentees in two programs each, 22 mentors, 2 events for 60 registrations
    seconds=96.0,  # eight faults in turn, 12 s apart
    timing=Timing(kafka_down=8.0, freeze=12.0, slow=8.0, kill_every=(15.0, 30.0)),
    # A claimed email whose sender died is given up after its lease: short here, so the drain is bounded.
    sending_lease_seconds=12.0,
    drain_timeout=240.0,
    retry_deadline=60.0,  # registrations the events service cannot take within a minute are given up (not accepted)
)


@pytest.fixture(scope="module")
async def report() -> Report:
    report = await run_harness(OPTIONS, log=lambda line: print(line, flush=True))
    print(render(report))
    return report


async def test_every_kind_of_fault_was_injected_under_load(report):
    assert {window.kind for window in report.windows} == set(KINDS), render(report)
    assert report.findings.counts["mentee enrollments accepted"] >= 250, render(report)


async def test_the_backlog_drains_after_the_faults(report):
    assert report.drained_after is not None, render_instance_logs(report) + render(report)


async def test_nothing_accepted_is_lost_nothing_happens_twice_and_no_invariant_breaks(report):
    # What was found first (a CI log keeps the start and the end of a long message), then the instances' logs,
    # unless the test of the drain shows them already.
    explained = render_findings(report) + (render_instance_logs(report) if report.drained_after is not None else "") \
        + render(report)
    assert report.findings.total("lost") == 0, explained
    assert report.findings.total("duplicated") == 0, explained
    assert report.findings.total("violated") == 0, explained


async def test_writes_keep_succeeding_while_kafka_is_down_thanks_to_the_outbox(report):
    kafka_down = next(w for w in report.windows if w.kind == "kafka_stop")
    writes = [r for r in report.records if r.write and kafka_down.started <= r.started <= kafka_down.ended]
    failed = [r for r in writes if r.status is None or r.status >= 500]
    assert writes, render(report)
    assert len(failed) <= 0.02 * len(writes), render(report)
