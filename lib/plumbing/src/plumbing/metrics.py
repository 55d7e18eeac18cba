"""Prometheus metrics of one service instance, on a registry of its own (several may share a process in tests)."""

import asyncio

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector


class Metrics:
    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "http_requests_total", "HTTP requests answered", ["method", "route", "status"], registry=registry
        )
        self.request_seconds = Histogram(
            "http_request_duration_seconds", "HTTP request latency", ["method", "route"], registry=registry
        )
        self.consumed = Counter("messages_consumed_total", "Messages consumed", ["topic", "outcome"], registry=registry)
        self.published = Counter("messages_published_total", "Events published from the outbox", ["topic"],
                                 registry=registry)
        self.outbox_backlog = Gauge("outbox_backlog", "Events committed but not yet published", registry=registry)
        self.outbox_waited = Gauge("outbox_oldest_event_seconds", "How long the oldest event not yet published has "
                                   "waited in the outbox (0 in an instance that is not relaying)", registry=registry)
        self.dead_letters = Counter("dead_letters_total", "Messages sent to the dead-letter topic", ["topic", "reason"],
                                    registry=registry)
        self.consumer_lag = Gauge("consumer_lag", "Messages behind the end of each partition", ["topic", "partition"],
                                  registry=registry)
        # A lag that cannot be measured keeps its last value: when it last was says whether to trust it.
        self.consumer_lag_measured_at = Gauge("consumer_lag_measured_at_seconds", "When this instance last measured "
                                              "its consumer group's lag (Unix time; 0 until it has)", registry=registry)
        self.consumer_restarts = Counter("consumer_restarts_total", "Subscribers restarted after they stalled",
                                         registry=registry)
        # Before its Kafka side is up, an instance publishes nothing and has no lag to show: this says so.
        self.kafka_side_up = Gauge("kafka_side_up", "1 once this instance's Kafka side is up (its topics, its producer "
                                   "and outbox relay, its consumer in its group), 0 until then", registry=registry)
        # An instance whose database is away is taken out of its Service by its readiness probe: the requests it no
        # longer gets are counted nowhere of ours, so an alert on errors may never see it.
        self.database_up = Gauge("database_up", "1 when this instance's last readiness probe (Kubernetes', every 10 s) "
                                 "reached its PostgreSQL database, 0 when it did not", registry=registry)
        # A consumer of restricted topics waiting for profiles' data keys applies nothing meanwhile, on any topic: not
        # idle (no stall), and maybe far from a lag threshold.
        self.data_keys_waiting = Gauge("data_keys_waiting", "1 while the consumer waits for profiles to give it data "
                                       "keys (profiles away, or not trusting this service's key), 0 otherwise",
                                       registry=registry)
        # `background_job`, not `job`: Prometheus gives every series a `job` of its own (the scrape's).
        self.job_steps = Counter("background_job_steps_total", "Passes of each background job, by outcome: succeeded, "
                                 "or failed (logged, and tried again next pass)", ["background_job", "outcome"],
                                 registry=registry)
        self.service = service
        watch_process(registry)


def _running_tasks() -> float:
    """Tasks of the event loop running in this thread (the one /metrics is answered on); NaN outside a loop."""
    try:
        return float(len(asyncio.all_tasks()))
    except RuntimeError:
        return float("nan")


def watch_process(registry: CollectorRegistry) -> None:
    """What a soak watches for leaks, on the instance's own registry: the process's resident memory, open file
    descriptors (sockets included) and CPU (prometheus_client's process collector, Linux only), and its asyncio
    tasks. Instances sharing a process (tests) share these figures."""
    ProcessCollector(registry=registry)
    Gauge("asyncio_tasks", "Tasks not yet done in the event loop serving /metrics",
          registry=registry).set_function(_running_tasks)
