"""A web app whose mail server refuses (nothing listens at its SMTP port), on the real platform: asking for a sign-in
link says the email could not be sent, rather than "check your email", whether the address is registered or not;
and a real Prometheus (Debian's, installed by bin/setup) scraping it with deploy/monitoring/alerts.yml has the
operator's alert pending once it refuses several addresses (one person retrying pages nobody)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from devinfra.smtp_sink import MAIL_FROM
from plumbing.settings import new_secret_key
from plumbing.testing import eventually, free_port, serving

from .test_security import Visitor

ALERTS = Path(__file__).resolve().parents[4] / "deploy" / "monitoring" / "alerts.yml"


@pytest.fixture
async def refusing_web(platform, kafka_access):
    """A web app of its own for each test: its counts start from nothing."""
    from web.bootstrap import build_app
    from web.config import WebSettings

    port = free_port()
    settings = WebSettings(
        service_name="web", consumer_group_name=f"web_refusing_{uuid4().hex[:8]}",
        database_url=platform.databases["web"], **kafka_access.settings("web"), jwt_public_key=platform.public_key,
        jwt_private_key=platform.private_key, form_key=new_secret_key(), public_base_url=f"http://127.0.0.1:{port}",
        sign_in_limit_per_client=10_000, smtp_host="127.0.0.1", smtp_port=free_port(), mail_from=MAIL_FROM,
        **{f"{s}_url": platform.urls[s] for s in ("profiles", "matching", "events", "notifications")})
    async with contextlib.AsyncExitStack() as stack:
        yield await stack.enter_async_context(serving(build_app(settings), port))


async def test_a_sign_in_link_the_mail_server_refused_is_said_to_be_unsent_for_any_address(platform, refusing_web):
    visitor = Visitor(refusing_web)
    try:
        registered = f"refused.{uuid4().hex[:8]}@example.org"
        async with platform.client("profiles") as profiles:
            (await profiles.post("/v1/people", json={"display_name": "Rae Refused", "email": registered,
                                                     "stage": "undergraduate"})).raise_for_status()
        for address in (registered, f"nobody.{uuid4().hex[:8]}@example.org"):
            answer = await visitor.ask_link(address)
            assert answer.status_code == 503
            assert "We could not send the email just now. Please try again in a few minutes." in answer.text
            assert f'value="{address}"' in answer.text and "Check your email" not in answer.text
    finally:
        await visitor.aclose()
    async with httpx.AsyncClient(base_url=refusing_web) as scraper:
        figures = (await scraper.get("/metrics")).text
    assert 'sign_in_emails_total{outcome="refused"} 2.0' in figures


@contextlib.asynccontextmanager
async def prometheus(target: str, service: str, directory: Path):
    """Prometheus scraping one instance each second, as prometheus.yml labels it, evaluating the alerts as often."""
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: bin/setup installs it (Debian's prometheus package)"
    port = free_port()
    config = directory / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: [{ALERTS}]\n"
        "scrape_configs:\n"
        "  - job_name: mentorship-platform\n"
        f"    static_configs: [{{targets: ['{target.removeprefix('http://')}'], "
        f"labels: {{service: {service}, pod: {service}-1}}}}]\n")
    log = (directory / "prometheus.log").open("w")
    process = subprocess.Popen([binary, f"--config.file={config}", f"--storage.tsdb.path={directory / 'data'}",
                                f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as api:
            yield api
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


async def _query(api: httpx.AsyncClient, expression: str) -> list:
    """The expression's series now; none while Prometheus is still starting (refused, or 503 until ready)."""
    try:
        answer = await api.get("/api/v1/query", params={"query": expression})
    except httpx.HTTPError:
        return []
    return answer.json()["data"]["result"] if answer.status_code == 200 else []


async def test_sign_in_emails_refused_to_several_addresses_have_the_operators_alert_pending_in_a_real_prometheus(
        refusing_web, tmp_path):
    async with prometheus(refusing_web, "web", tmp_path) as api:
        # Scraped before anything was refused: the count is there at 0, so the refusals are a rise.
        await eventually(lambda: _query(api, 'sign_in_emails_total{outcome="refused"} == 0'), timeout=60,
                         what="Prometheus to scrape the web app")
        visitor = Visitor(refusing_web)
        try:
            # More than one address may ask for (SIGN_IN_LIMIT_PER_ADDRESS): not one person retrying, which pages
            # nobody (deploy/monitoring/alerts.test.yml), but the server refusing everyone.
            for n in range(6):
                assert (await visitor.ask_link(f"refused{n}.{uuid4().hex[:8]}@example.org")).status_code == 503
        finally:
            await visitor.aclose()

        async def pending() -> list:
            answer = (await api.get("/api/v1/alerts")).json()["data"]["alerts"]
            return [a for a in answer if a["labels"]["alertname"] == "MentorshipSignInEmailsRefused"]
        [alert] = await eventually(pending, timeout=60, what="the alert to be pending")
    assert alert["state"] == "pending" and alert["labels"]["service"] == "web"
    assert alert["labels"]["severity"] == "page"
