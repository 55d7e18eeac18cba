"""Fault harness: the real platform (Kafka, PostgreSQL, two instances of each service) under a mixed HTTP
workload while instances are killed and frozen, Kafka and PostgreSQL restarted, connections slowed and cut; then,
once the backlog has drained, what was lost, duplicated or violated.

    uv run python -m bench.faults [--scale 1.0] [--seconds 480] [--faults all] [--seed 1] [--keep]

--scale 1.0 is the full run: 5,000 mentees enrolling in two programs each (10,000 enrollments), 750 mentors, 20
events taking 2,000 registrations around their capacity with 15% cancelled, 4% of mentorships ended by the
mentee, and every email these cause. --faults takes a comma-separated subset of: kill, kafka_stop,
kafka_kill, postgres_restart, freeze, slow, cut. It exits 1 if anything was lost, duplicated or violated.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from devinfra.processes import machine_jiffies

from bench.faults import checks
from bench.faults.faults import KINDS, Injector, Timing, Window
from bench.faults.http import Balancer, Record
from bench.faults.platform import SERVICES, FaultPlatform
from bench.faults.workload import Size, Workload

STALLED = '"msg": "the consumer has stalled'  # what plumbing.runtime logs when it restarts a stalled consumer
# What aiokafka logs as one of its background tasks (fetcher, group coordinator, producer's sender) ends on an error.
KAFKA_TASK_ENDED = '"msg": "Unexpected error in'
CLOSED_WRITE = '"msg": "a write to a Kafka connection closed under it'  # plumbing.kafka, where uvloop would end it
RELAY_STOPPED = '"msg": "the outbox relay stops'  # plumbing.outbox: its producer no longer sends; /healthz fails


@dataclass
class Options:
    scale: float = 1.0
    seconds: float = 480.0
    faults: tuple[str, ...] = KINDS
    seed: int = 1
    drain_timeout: float = 900.0
    timing: Timing = field(default_factory=Timing)
    sending_lease_seconds: float | None = None
    retry_deadline: float = 600.0  # how long a registration is retried while events does not know the person yet
    keep: bool = False
    work: Path | None = None
    size: Size | None = None  # instead of Size.scaled(scale) (the soak sets its own)
    # Started with the load phase, awaited once it is over (the soak's sampler): (platform, workload, load over).
    observe: Callable[[FaultPlatform, Workload, asyncio.Event], Awaitable[None]] | None = None


@dataclass
class Report:
    options: Options
    size: Size
    findings: checks.Findings
    windows: list[Window]
    records: list[Record]
    load: tuple[float, float]
    drained_after: float | None
    backlog_left: dict[str, int]
    stolen: float
    elapsed: float
    exits: list[tuple[str, int, float]] = field(default_factory=list)
    dead: list[tuple[str, str, float]] = field(default_factory=list)  # restarted as /healthz said they were dead
    stalls: dict[str, int] = field(default_factory=dict)  # consumers restarted after they stalled, per instance
    kafka_task_deaths: dict[str, int] = field(default_factory=dict)  # aiokafka's background tasks ended, per instance
    closed_writes: dict[str, int] = field(default_factory=dict)  # writes to connections closed under them, per instance
    relays_stopped: dict[str, int] = field(default_factory=dict)  # outbox relays stopped, their producer dead
    # When the run failed or did not drain: each instance's last log lines, its asyncio tasks among them.
    instance_logs: dict[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (self.findings.total("lost") or self.findings.total("duplicated") or self.findings.total("violated"))


async def run_harness(options: Options, log=print) -> Report:
    started = time.time()
    machine_before = machine_jiffies()
    rng = random.Random(options.seed)
    work = options.work or Path(tempfile.mkdtemp(prefix="fault-harness-"))
    platform = FaultPlatform(work, sending_lease_seconds=options.sending_lease_seconds)
    log(f"work directory {work} (logs in {work / 'logs'})")
    probes: list[asyncio.Task] = []
    try:
        await asyncio.to_thread(platform.start)
        log(f"platform up: Kafka, PostgreSQL, {len(platform.all_instances())} service instances "
            f"({time.time() - started:.0f} s)")
        records: list[Record] = []
        balancers = {name: Balancer(name, [(i.name, i.port) for i in platform.instances[name]], records)
                     for name in SERVICES}
        probes = [asyncio.create_task(b.probe_forever()) for b in balancers.values()]
        await asyncio.sleep(1.5)  # the first readiness probes
        size = options.size or Size.scaled(options.scale)
        workload = Workload(balancers, platform.secrets, size, rng, log, options.retry_deadline)
        await workload.setup()

        injector = Injector(platform, balancers, set(options.faults), options.timing, rng, log)
        probes += [asyncio.create_task(injector.supervise()), asyncio.create_task(injector.restart_the_dead())]
        load_over = asyncio.Event()
        load_started = time.time()
        observing = asyncio.create_task(options.observe(platform, workload, load_over)) if options.observe else None
        killing = asyncio.create_task(injector.kill_loop(load_over))
        platform_faults = asyncio.create_task(injector.platform_faults(options.seconds))
        faults_over = asyncio.Event()
        platform_faults.add_done_callback(lambda _: faults_over.set())
        await workload.run(options.seconds, until=faults_over)
        load_over.set()
        if observing is not None:
            await observing
        await killing
        await platform_faults
        await injector.heal()
        load_ended = time.time()
        log(f"load and faults over after {load_ended - load_started:.0f} s; waiting for the backlog to drain")

        drained_after, left = None, {}
        deadline = time.monotonic() + options.drain_timeout
        quiet, said = 0, time.monotonic()
        while time.monotonic() < deadline:
            try:
                left = await checks.backlog(platform)
            except Exception as error:  # noqa: BLE001 - a check that failed is retried until the deadline
                left = {"backlog check failed": 1}
                log(f"backlog check: {error}")
            quiet = quiet + 1 if not any(left.values()) else 0
            if time.monotonic() - said > 30:
                log("backlog: " + ", ".join(f"{what} {n}" for what, n in left.items() if n))
                said = time.monotonic()
            if quiet == 2:  # two polls in a row with nothing left anywhere
                drained_after = time.time() - load_ended
                break
            await asyncio.sleep(2.0)  # the poll's period; the deadline bounds the wait
        log(f"drained after {drained_after:.0f} s" if drained_after is not None else f"not drained: {left}")
        findings = await checks.check(platform, workload.accepted)
        busy, stolen, total = (a - b for a, b in zip(machine_jiffies(), machine_before, strict=True))
        stalls, kafka_task_deaths, closed_writes, relays_stopped = platform.log_lines_saying(
            STALLED, KAFKA_TASK_ENDED, CLOSED_WRITE, RELAY_STOPPED)
        report = Report(options, size, findings, injector.windows, records, (load_started, load_ended), drained_after,
                        left, stolen / max(1, total), time.time() - started, injector.exits, dead=injector.dead,
                        stalls=stalls,
                        kafka_task_deaths=kafka_task_deaths, closed_writes=closed_writes, relays_stopped=relays_stopped)
        if drained_after is None or not report.clean:
            report.instance_logs = await asyncio.to_thread(platform.instance_logs)
        return report
    finally:
        for probe in probes:
            probe.cancel()
        await asyncio.to_thread(platform.stop)
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def availability(report: Report) -> list[tuple]:
    """Per fault window (and outside them): requests under way then, and how they were answered."""
    rows = []

    def summarise(label: str, target: str, seconds: float, chosen: list[Record]) -> None:
        writes = [r for r in chosen if r.write]
        failed = sum(1 for r in chosen if r.status is None or r.status >= 500)
        writes_failed = sum(1 for r in writes if r.status is None or r.status >= 500)
        errors = Counter(r.error or str(r.status) for r in chosen if r.status is None or r.status >= 500)
        rows.append((label, target, f"{seconds:.0f} s", len(chosen),
                     f"{100 * (len(chosen) - failed) / len(chosen):.1f}%" if chosen else "–",
                     f"{100 * (len(writes) - writes_failed) / len(writes):.1f}%" if writes else "–",
                     ", ".join(f"{e} ×{n}" for e, n in errors.most_common(3)) or "–"))

    load_start, load_end = report.load
    in_load = [r for r in report.records if load_start <= r.started <= load_end]
    for window in report.windows:
        if window.kind == "kill":
            continue
        summarise(window.kind, window.target, window.ended - window.started,
                  [r for r in in_load if _during(r, window)])
    kills = [w for w in report.windows if w.kind == "kill"]
    if kills:
        summarise("kill (all)", f"{len(kills)} kills, each until ready again",
                  sum(w.ended - w.started for w in kills),
                  [r for r in in_load if any(_during(r, w) for w in kills)])
    quiet = [r for r in in_load if not any(_during(r, w) for w in report.windows)]
    summarise("no fault", "", load_end - load_start - _covered(report.windows), quiet)
    summarise("whole load phase", "", load_end - load_start, in_load)
    return rows


def _during(record: Record, window: Window) -> bool:
    """Whether the request was under way at some moment of the fault (sent before it and answered during it
    counts too: an in-flight request is what a crash breaks)."""
    return record.started <= window.ended and record.ended >= window.started


def _covered(windows: list[Window]) -> float:
    """Seconds during which at least one fault was on."""
    total, reach = 0.0, float("-inf")
    for window in sorted(windows, key=lambda w: w.started):
        start = max(window.started, reach)
        if window.ended > start:
            total += window.ended - start
        reach = max(reach, window.ended)
    return total


def table(headers: tuple, rows: list[tuple]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    line = "| " + " | ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line, rule] + ["| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True))
                                     + " |" for row in rows])


def render(report: Report) -> str:
    found = report.findings
    out = []
    size = report.size
    out.append(f"\nFault run: scale {report.options.scale:g} ({size.mentees} mentees × 2 programs, {size.mentors} "
               f"mentors, {size.events} events for {size.registrations} registrations), load phase "
               f"{report.load[1] - report.load[0]:.0f} s, faults: {', '.join(report.options.faults)}; "
               f"seed {report.options.seed}; CPU stolen by the hypervisor {report.stolen:.0%}; "
               f"whole run {report.elapsed:.0f} s")
    kinds = Counter(w.kind for w in report.windows)
    out.append("faults injected: " + ", ".join(f"{kind} ×{n}" for kind, n in kinds.items()))
    kills = sorted(w.ended - w.started for w in report.windows if w.kind == "kill")
    if kills:
        out.append(f"kill -9 until ready again (restart delay 1–4 s included): median {kills[len(kills) // 2]:.0f} s, "
                   f"max {kills[-1]:.0f} s")
    out.append(render_findings(report))
    out.append("\nHTTP availability (requests under way during each fault; ok = answered, below 500; a 4xx such as "
               "'not known yet' is an answer):\n" + table(("fault", "target", "lasted", "requests", "ok", "writes ok",
                                                           "failures (5xx, no answer)"), availability(report)))
    drained = f"{report.drained_after:.0f} s" if report.drained_after is not None else \
        f"NOT drained within {report.options.drain_timeout:.0f} s: {report.backlog_left}"
    out.append(f"\ntime to drain after the faults stopped: {drained}")
    during = {}
    for name, code, when in report.exits:
        fault = next((w.kind for w in report.windows if w.kind != "kill" and w.started <= when <= w.ended + 5), None)
        during[(name, code, fault)] = during.get((name, code, fault), 0) + 1
    out.append("instances that exited by themselves (restarted by the harness): " + (", ".join(
        f"{name} code {code}{f' during {fault}' if fault else ''} ×{n}" for (name, code, fault), n in during.items())
        or "none"))
    out.append("instances restarted as their liveness probe said they were dead: " + (", ".join(
        f"{name} ({said})" for name, said, _ in report.dead) or "none"))
    out.append("consumers restarted after they stalled (idle while messages waited on their partitions): " + (
        ", ".join(f"{name} ×{n}" for name, n in report.stalls.items()) or "none")
        + "; outbox relays stopped, their producer no longer sending (the instance reports itself dead): " + (
        ", ".join(f"{name} ×{n}" for name, n in report.relays_stopped.items()) or "none"))
    out.append("aiokafka background tasks ended by an unexpected error (fetcher, coordinator, sender): " + (
        ", ".join(f"{name} ×{n}" for name, n in report.kafka_task_deaths.items()) or "none")
        + "; writes to Kafka connections a reset had closed, taken as lost connections: " + (
        ", ".join(f"{name} ×{n}" for name, n in report.closed_writes.items()) or "none"))
    out.append("dead letters: " + ("none" if not found.dead_letters else ""))
    for reason, n in found.dead_letters.most_common():
        out.append(f"  {n} × {reason}")
    out.append("published more than once by a relay (at-least-once; each applied once if nothing is duplicated): "
               + (", ".join(f"{t} {n}" for t, n in found.republished.items()) or "none"))
    out.append(f"\nresult: {'clean' if report.clean else 'FAILED'}: "
               f"{found.total('lost')} lost, {found.total('duplicated')} duplicated, "
               f"{found.total('violated')} violated")
    return "\n".join(out)


def render_findings(report: Report) -> str:
    """What was lost, duplicated or violated, with examples (each lost email with its notification's status), and
    the counts: first in a failing test's message, so that a CI log cut short keeps it."""
    found, rows = report.findings, []
    for heading in ("lost", "duplicated", "violated"):
        group = getattr(found, heading)
        if not group:
            rows.append((heading, "–", 0, ""))
        for what, items in group.items():
            rows.append((heading, what, len(items), "; ".join(items[:3]) + (" …" if len(items) > 3 else "")))
    return "\n" + table(("check", "what", "count", "examples"), rows) + "\n\n" + table(("counted", "n"),
                                                                                     list(found.counts.items()))


def render_instance_logs(report: Report) -> str:
    """The end of each instance's log, kept when the run failed or did not drain (long: printed once)."""
    return "".join(f"\nend of {name}'s log (warnings and errors; its asyncio tasks, asked for at the end):\n{tail}\n"
                   for name, tail in report.instance_logs.items())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 10,000 enrollments, 2,000 registrations")
    parser.add_argument("--seconds", type=float, default=None, help="length of the load phase (default 480 × scale,"
                                                                    " at least 120)")
    parser.add_argument("--faults", default="all", help=f"'all' or a comma-separated subset of {', '.join(KINDS)}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--drain-timeout", type=float, default=900.0)
    parser.add_argument("--kafka-down", type=float, default=30.0, help="seconds Kafka stays stopped")
    parser.add_argument("--sending-lease", type=float, default=None,
                        help="notifications' SENDING_LEASE_SECONDS (default: the service's own, 120 s)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, data) afterwards")
    args = parser.parse_args(argv)
    faults = KINDS if args.faults == "all" else tuple(f.strip() for f in args.faults.split(","))
    if unknown := set(faults) - set(KINDS):
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    options = Options(scale=args.scale, seconds=args.seconds or max(120.0, 480.0 * args.scale), faults=faults,
                      seed=args.seed, drain_timeout=args.drain_timeout, timing=Timing(kafka_down=args.kafka_down),
                      sending_lease_seconds=args.sending_lease, keep=args.keep)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    report = asyncio.run(run_harness(options, log=lambda line: print(f"[{time.strftime('%H:%M:%S')}] {line}",
                                                                       flush=True)))
    print(render_instance_logs(report) + render(report), flush=True)
    sys.exit(0 if report.clean else 1)
