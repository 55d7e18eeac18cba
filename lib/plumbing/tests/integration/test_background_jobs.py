"""A service's background jobs count their passes on the service's own /metrics, by outcome, so an alert can tell a
job that fails every pass (MentorshipBackgroundJobFailing) from one that failed once."""

from __future__ import annotations

import httpx
from plumbing.http import create_app
from plumbing.jobs import every
from plumbing.testing import eventually


async def test_a_service_job_failing_every_pass_shows_its_failures_on_the_services_metrics(make_service, started):
    async def step() -> None:
        raise RuntimeError("a query this job cannot run")

    service = await started(make_service(background=[every(0.01, step, name="send_reminders")]))

    await eventually(lambda: (service.metrics.registry.get_sample_value(
        "background_job_steps_total", {"background_job": "send_reminders", "outcome": "failed"}) or 0) >= 3,
        timeout=10, what="three failed passes")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(service, title="jobs")),
                                 base_url="http://service") as client:
        text = (await client.get("/metrics")).text
    assert 'background_job_steps_total{background_job="send_reminders",outcome="succeeded"} 0.0' in text
