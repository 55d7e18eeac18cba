"""Soak: the fault harness's platform and mixed workload (bench/faults), without faults, paced steadily for a long
while; meanwhile, every minute, what a leak would show, read from each instance's Prometheus /metrics
(plumbing.metrics: resident memory, open file descriptors, CPU, asyncio tasks), PostgreSQL's backends per database,
the connections open through the harness's Kafka and PostgreSQL proxy, consumer lag per group and outbox backlog.
At the end: the harness's lost / duplicated / violated checks, and each figure's growth from the end of the
warm-up to the end of the load.

    uv run python -m bench.soak [--minutes 30] [--rate 4] [--warm-up MINUTES] [--every SECONDS] [--keep]

--rate is mentees starting their story per second (each: sign up, enrol in two programs, 40% register for an
event, 15% of those cancel, 4% end their mentorship; plus every email). It exits 1 if anything was lost,
duplicated or violated, or if a service instance's resident memory grew by 5% or more after the warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from devinfra.processes import machine_jiffies

from bench.faults import checks
from bench.faults.http import Connection
from bench.faults.platform import SERVICES, FaultPlatform
from bench.faults.run import Options, render, run_harness, table
from bench.faults.workload import Size, Workload

TARGET_GROWTH = 0.05  # resident memory after the warm-up: growth under 5%
WATCHED = {"process_resident_memory_bytes": "rss", "process_open_fds": "fds", "asyncio_tasks": "tasks",
           "process_cpu_seconds_total": "cpu", "process_start_time_seconds": "started"}


def soak_size(minutes: float, rate: float) -> Size:
    """The harness's workload at `rate` mentees a second for `minutes`: programs that pair on registration,
    mentors for 90% of the mentee enrollments (so programs fill up only towards the end and the mix stays the
    same throughout), events taking 40% of the mentees around their capacity."""
    mentees = max(20, round(rate * minutes * 60))
    return Size(mentees=mentees, mentors=max(4, math.ceil(mentees * 2 * 0.9 / 10)), programs=5,
                events=max(2, round(mentees / 250)), registrations=max(20, round(mentees * 0.4)))


@dataclass
class Sample:
    at: float  # seconds since the load started
    load: float  # 1-minute load average
    instances: dict[str, dict[str, float]]  # instance -> figure -> value (missing: no answer)
    backends: dict[str, int]  # database -> PostgreSQL client backends
    proxied: dict[str, int]  # route -> connections open through the harness's proxy
    backlog: dict[str, int]  # "<svc> outbox", "emails to send", "<svc> lag"
    in_flight: int
    requests: int
    failed: int
    stolen: float = 0.0


def parse_metrics(text: str) -> dict[str, float]:
    figures = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        if name in WATCHED:
            with contextlib.suppress(ValueError):
                figures[WATCHED[name]] = float(value)
    return figures


async def scrape(port: int) -> dict[str, float]:
    connection = await Connection.open(port)
    try:
        async with asyncio.timeout(10.0):
            status, body = await connection.request("GET", "/metrics", None, None)
    finally:
        connection.close()
    return parse_metrics(body.decode()) if status == 200 else {}


async def postgres_backends(platform: FaultPlatform) -> dict[str, int]:
    db = await checks.read_only(platform.database_urls[SERVICES[0]])
    try:
        rows = await db.fetch("SELECT datname, count(*) AS n FROM pg_stat_activity WHERE backend_type = "
                              "'client backend' AND pid <> pg_backend_pid() AND datname IS NOT NULL GROUP BY datname")
    finally:
        await db.close()
    return {row["datname"]: row["n"] for row in rows}


@dataclass
class Soak:
    every: float
    seconds: float  # the steady load's planned length
    log: Callable[[str], None] = print
    samples: list[Sample] = field(default_factory=list)
    workload: Workload | None = None
    _jiffies: tuple = ()

    async def observe(self, platform: FaultPlatform, workload: Workload, load_over: asyncio.Event) -> None:
        """Sample at once, then every `every` seconds until the steady load's planned end (the stragglers that
        follow it, a mentee still waiting for a pairing to end, are not steady load)."""
        self.workload = workload
        started = time.time()
        self._jiffies = machine_jiffies()
        beat = 0
        while True:
            await self.sample(platform, workload, started)
            if time.time() - started >= self.seconds - 1 or load_over.is_set():
                return
            beat += 1
            due = started + min(beat * self.every, self.seconds)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, due - time.time())):  # the sampling period
                    await load_over.wait()

    async def sample(self, platform: FaultPlatform, workload: Workload, started: float) -> None:
        instances = platform.all_instances()
        scraped = await asyncio.gather(*(scrape(i.port) for i in instances), return_exceptions=True)
        figures = {i.name: (s if isinstance(s, dict) else {}) for i, s in zip(instances, scraped, strict=True)}
        try:
            backends = await postgres_backends(platform)
            backlog = await checks.backlog(platform)
        except Exception as error:  # noqa: BLE001 - a sample that failed is reported, the soak goes on
            self.log(f"sample: {error!r}")
            backends, backlog = {}, {}
        try:
            answer = await asyncio.to_thread(platform.proxy, "count")
            proxied = {k: int(v) for k, _, v in (w.partition("=") for w in answer.split()[1:])}
        except (OSError, ValueError) as error:
            self.log(f"sample: the proxy did not count: {error!r}")
            proxied = {}
        records = platform_records(workload)
        jiffies = machine_jiffies()
        _, stolen, total = (a - b for a, b in zip(jiffies, self._jiffies, strict=True))
        self._jiffies = jiffies
        sample = Sample(time.time() - started, os.getloadavg()[0], figures, backends, proxied, backlog,
                        len(workload.pending), len(records), sum(1 for r in records if r.status is None
                                                                 or r.status >= 500), stolen / max(1, total))
        self.samples.append(sample)
        self.log(describe(sample, self.samples[-2] if len(self.samples) > 1 else None))


def platform_records(workload: Workload) -> list:
    """The request log the harness's balancers share (every request with its outcome)."""
    return next(iter(workload.api.values())).records


def _mib(value: float | None) -> str:
    return "–" if value is None else f"{value / 2 ** 20:.1f}"


def describe(sample: Sample, before: Sample | None) -> str:
    """One sample in a few lines: each instance's memory, fds, tasks and CPU; the platform's connections and lag."""
    minutes, seconds = divmod(round(sample.at), 60)
    requests = sample.requests - (before.requests if before else 0)
    failed = sample.failed - (before.failed if before else 0)
    span = sample.at - (before.at if before else 0) or 1
    pace = f"{requests / span:.1f} requests/s ({failed} failed)" if before else \
        f"{requests} requests in the set-up ({failed} failed)"
    lines = [f"soak t+{minutes}:{seconds:02d}  load average {sample.load:.1f}, stolen {sample.stolen:.0%}; "
             f"{pace}, {sample.in_flight} mentee stories in flight"]
    for figure, label in (("rss", "RSS MiB"), ("fds", "open fds"), ("tasks", "asyncio tasks")):
        values = " ".join(f"{name} {(_mib(f.get('rss')) if figure == 'rss' else _int(f.get(figure)))}"
                          for name, f in sample.instances.items())
        lines.append(f"  {label:<14}{values}")
    if before:
        lines.append("  CPU %         " + " ".join(
            f"{name} {100 * (f['cpu'] - before.instances[name]['cpu']) / span:.0f}" if 'cpu' in f and 'cpu' in
            before.instances.get(name, {}) else f"{name} –" for name, f in sample.instances.items()))
    lines.append("  PostgreSQL backends " + " ".join(f"{db} {n}" for db, n in sorted(sample.backends.items()))
                 + "; through the proxy " + " ".join(f"{route} {n}" for route, n in sample.proxied.items()))
    lines.append("  backlog " + ", ".join(f"{what} {n}" for what, n in sample.backlog.items()))
    return "\n".join(lines)


def _int(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0f}"


def growth(samples: list[Sample], warm_up: float) -> tuple[Sample, Sample]:
    """The first sample at or after the warm-up, and the last one."""
    after = [s for s in samples if s.at >= warm_up - 1] or samples
    return after[0], samples[-1]


def _at(samples: list[Sample], at: float) -> Sample:
    """The sample nearest to `at` seconds (the second half's growth tells a step from a steady leak)."""
    return min(samples, key=lambda s: abs(s.at - at))


def _change(start: float | None, end: float | None, percent: bool = True) -> str:
    if start is None or end is None or math.isnan(start) or math.isnan(end):
        return "–"
    if percent:
        return f"{100 * (end - start) / start:+.1f}%" if start else "–"
    return f"{end - start:+.0f}"


def summary(samples: list[Sample], warm_up: float) -> tuple[str, list[str]]:
    """The growth table, and the instances whose memory grew past the target (or that restarted)."""
    start, end = growth(samples, warm_up)
    rows, over = [], []
    for name in end.instances:
        a, b = start.instances.get(name, {}), end.instances.get(name, {})
        peak = max((s.instances.get(name, {}).get("rss", 0.0) for s in samples if s.at >= start.at), default=0.0)
        restarted = a.get("started") != b.get("started")
        cpu = (b.get("cpu", 0) - a.get("cpu", 0)) / max(1.0, end.at - start.at)
        rss_growth = (b["rss"] - a["rss"]) / a["rss"] if a.get("rss") and b.get("rss") else None
        if restarted or rss_growth is None or rss_growth >= TARGET_GROWTH:
            over.append(name + (" (restarted during the soak)" if restarted else ""))
        half = _at(samples, (start.at + end.at) / 2).instances.get(name, {})
        rows.append((name, _mib(a.get("rss")), _mib(b.get("rss")), _mib(peak), _change(a.get("rss"), b.get("rss")),
                     _change(half.get("rss"), b.get("rss")),
                     f"{_int(a.get('fds'))} → {_int(b.get('fds'))}", f"{_int(a.get('tasks'))} → {_int(b.get('tasks'))}",
                     f"{100 * cpu:.0f}%"))
    out = [f"Growth from the end of the warm-up (t+{start.at / 60:.1f} min) to the end of the load "
           f"(t+{end.at / 60:.1f} min); target: resident memory of each instance grows by under "
           f"{TARGET_GROWTH:.0%}:",
           table(("instance", "RSS MiB after warm-up", "at the end", "peak", "growth", "in the second half", "open fds",
                  "asyncio tasks",
                  "CPU (of one core)"), rows)]
    databases = sorted(set(start.backends) | set(end.backends))
    out.append("PostgreSQL backends: " + ", ".join(f"{db} {start.backends.get(db, 0)} → {end.backends.get(db, 0)}"
                                                   for db in databases)
               + f" (total {sum(start.backends.values())} → {sum(end.backends.values())}); through the proxy: "
               + ", ".join(f"{route} {start.proxied.get(route, 0)} → {n}" for route, n in end.proxied.items()))
    lags = [k for k in end.backlog if k.endswith(" lag")]
    out.append("consumer lag (max over the soak / at the end): " + ", ".join(
        f"{k.removesuffix(' lag')} {max(s.backlog.get(k, 0) for s in samples)} / {end.backlog[k]}" for k in lags)
        + "; outbox backlog max " + str(max((sum(v for k, v in s.backlog.items() if k.endswith('outbox'))
                                            for s in samples), default=0)))
    spent = sum(end.instances[n].get("cpu", 0.0) - start.instances.get(n, {}).get("cpu", 0.0) for n in end.instances)
    if (requests := end.requests - start.requests) > 0:
        out.append(f"the services' CPU per HTTP request of the workload (the consumers' and senders' work included): "
                   f"{1000 * spent / requests:.1f} ms ({requests} requests)")
    loads = [s.load for s in samples]
    out.append(f"load average (1 min) over the soak: min {min(loads):.1f}, median {sorted(loads)[len(loads) // 2]:.1f},"
               f" max {max(loads):.1f}; CPU stolen by the hypervisor: max {max(s.stolen for s in samples):.0%}")
    return "\n".join(out), over


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the steady load")
    parser.add_argument("--rate", type=float, default=4.0, help="mentees starting their story per second")
    parser.add_argument("--warm-up", type=float, default=None, help="minutes (default: a sixth, at most 5)")
    parser.add_argument("--every", type=float, default=None, help="seconds between samples (default 60; "
                                                                    "a tenth of the run if shorter)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, data) afterwards")
    args = parser.parse_args(argv)
    warm_up = 60 * (args.warm_up if args.warm_up is not None else min(5.0, args.minutes / 6))
    every = args.every or min(60.0, args.minutes * 6)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")

    def log(line: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {line}", flush=True)

    soak = Soak(every, args.minutes * 60, log)
    size = soak_size(args.minutes, args.rate)
    options = Options(scale=size.mentees / 5000, seconds=args.minutes * 60, faults=(), seed=args.seed, size=size,
                      observe=soak.observe,
                      retry_deadline=120.0, keep=args.keep)
    log(f"soak: {args.minutes:g} min at {args.rate:g} mentees/s ({size.mentees} mentees, {size.mentors} mentors, "
        f"{size.events} events), warm-up {warm_up / 60:g} min, a sample every {every:.0f} s")
    report = asyncio.run(run_harness(options, log=log))
    print(render(report), flush=True)
    text, over = summary(soak.samples, warm_up)
    print("\n" + text, flush=True)
    met = not over
    print(f"\nmemory target (growth under {TARGET_GROWTH:.0%} after the warm-up): "
          + ("met by every instance" if met else "NOT met by " + ", ".join(over)), flush=True)
    sys.exit(0 if report.clean and met else 1)


if __name__ == "__main__":
    main()
