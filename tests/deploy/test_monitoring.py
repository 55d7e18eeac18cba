"""The alerts an operator is paged by (deploy/monitoring): checked and exercised by Prometheus' own promtool
(installed by bin/setup), and kept true to the code: every series an alert reads is one the services export, every
alert has its section in the runbook, and every service the manifests deploy is watched."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from devinfra.workspace import services
from notifications.entrypoints.jobs import EmailFigures
from plumbing.metrics import Metrics
from prometheus_client import CollectorRegistry
from web.adapters.mailer import SmtpMailer

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
RULES = yaml.safe_load((MONITORING / "alerts.yml").read_text())
ALERTS = [rule for group in RULES["groups"] for rule in group["rules"] if "alert" in rule]
RUNBOOK = (MONITORING / "RUNBOOK.md").read_text()
PROMQL_FUNCTIONS_AND_WORDS = {"sum", "max", "min", "by", "rate", "increase", "delta", "absent", "and", "or",
                              "unless", "histogram_quantile", "bool", "on", "without"}


def promtool(*args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("promtool")
    assert tool, "promtool is missing: bin/setup installs it (Debian's prometheus package)"
    return subprocess.run([tool, *args], cwd=MONITORING, capture_output=True, text=True, timeout=120)


def exported_series() -> set[str]:
    """The names a scrape of any instance can show: plumbing's metrics, notifications' and the web app's emails."""
    emails = CollectorRegistry()
    EmailFigures(emails)
    SmtpMailer("127.0.0.1", 25, "no-reply@example.org", 1, emails)
    names: set[str] = set()
    for registry in (Metrics("any").registry, emails):
        for family in registry.collect():
            suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}.get(family.type, ("",))
            names |= {family.name + suffix for suffix in suffixes}
    return names


def series_read_by(expression: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expression)
    return {name for name in re.findall(r"\b([a-z_][a-z0-9_]*)\s*\{", without_strings)
            if name not in PROMQL_FUNCTIONS_AND_WORDS}


def test_promtool_finds_the_rules_valid():
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_each_alert_fires_on_the_series_a_real_fault_gives_and_not_on_a_healthy_platform():
    tested = promtool("test", "rules", "alerts.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_every_alert_reads_only_series_the_services_export():
    exported = exported_series() | {"up"}  # `up`: Prometheus' own, one per scraped instance
    for alert in ALERTS:
        read = series_read_by(alert["expr"])
        assert read, alert["alert"]
        assert read <= exported, f"{alert['alert']} reads {sorted(read - exported)}, which no service exports"


@pytest.mark.parametrize("alert", ALERTS, ids=lambda alert: alert["alert"])
def test_every_alert_says_how_urgent_it_is_and_has_its_section_in_the_runbook(alert):
    assert alert["labels"]["severity"] in ("page", "ticket")
    assert alert["annotations"]["summary"] and alert["annotations"]["description"]
    assert alert["annotations"]["runbook_url"] == f"deploy/monitoring/RUNBOOK.md#{alert['alert'].lower()}"
    assert re.search(rf"^## {alert['alert']}$", RUNBOOK, re.MULTILINE), f"no section for {alert['alert']}"


def test_the_runbook_has_no_section_for_an_alert_that_does_not_exist():
    sections = set(re.findall(r"^## (\w+)$", RUNBOOK, re.MULTILINE))
    assert sections == {alert["alert"] for alert in ALERTS}
    for anchor in re.findall(r"\]\(#([a-z]+)\)", RUNBOOK):
        assert anchor in {name.lower() for name in sections}, f"the runbook links to #{anchor}, not a section"


def test_every_deployed_service_is_scraped_with_its_name_and_watched_for_being_absent():
    scrape = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    [job] = scrape["scrape_configs"]
    assert job["job_name"] == "mentorship-platform"
    relabelled = {rule.get("target_label"): rule["source_labels"] for rule in job["relabel_configs"]}
    assert relabelled["service"] == ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    assert scrape["rule_files"] == ["alerts.yml"]
    [absent] = [alert for alert in ALERTS if alert["alert"] == "MentorshipServiceAbsent"]
    watched = set(re.findall(r'service="([a-z]+)"', absent["expr"]))
    assert watched == {service.name for service in services(ROOT)}


def test_every_background_job_has_a_row_in_the_runbook_saying_what_stops_while_it_fails():
    # `resume_pauses_ended` could page the operator, who found no row saying what had stopped.
    named = {name for source in ROOT.glob("services/*/src/*/entrypoints/jobs.py")
             for name in re.findall(r'\bname="([a-z_]+)"', source.read_text())}
    rows = set(re.findall(r"^\| \w+ \| `([a-z_]+)` \|", RUNBOOK, re.MULTILINE))

    assert named and named - rows == set()
