"""The whole platform in this test process (as tests/e2e does), the web app pointed at it, and a real browser:
Debian's Chromium driven by Playwright for Python, with axe-core for the accessibility audits.

Playwright's own browser download cannot work on our machines, so it drives /usr/bin/chromium (bin/setup installs
it); `test_the_browser_answers` fails loudly if that pairing breaks. (The lead merges these fixtures with the shared
Playwright/axe plugin.)
"""

from __future__ import annotations

import contextlib
import importlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from devinfra.kafka import TESTS
from devinfra.smtp_sink import MAIL_FROM, addressed_to
from devinfra.workspace import service_names, settings_class
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from plumbing.auth import Role, SigningKeys, mint
from plumbing.personal_data import data_key_settings, key_readers
from plumbing.settings import ServiceSettings, new_secret_key
from plumbing.testing import caught_up, free_port, serving

# The package's own keys: the web app signs the services' tokens with the private one, as the tests' clients do.
KEYS = SigningKeys.generate()
READER_KEYS = {reader: new_secret_key() for reader in sorted(key_readers())}
LINKS_PER_ADDRESS = 20  # sign-in links one address may ask for in an hour, on the tests' platform
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
# What the audits hold the pages to: WCAG 2.2 at levels A and AA.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SIGN_IN_LINK = re.compile(r"https?://[^\s\"<>]+/sign-in/[A-Za-z0-9_-]{43,}")


@dataclass
class Platform:
    urls: dict[str, str]
    sink: Any
    kafka: dict[str, Any] = field(default_factory=dict)  # a Kafka client's options, as the tests' principal
    databases: dict[str, str] = field(default_factory=dict)
    world: dict[str, Any] = field(default_factory=dict)
    # The key pair of this platform's tokens (a test that serves another web app signs with it too).
    private_key: str = KEYS.private_pem
    public_key: str = KEYS.public_pem
    links_per_address: int = LINKS_PER_ADDRESS

    @property
    def web(self) -> str:
        return self.urls["web"]

    def client(self, service: str, role: Role | str = Role.ADMIN, **claims) -> httpx.AsyncClient:
        token = mint(KEYS.private_pem, audience=service, role=role, **claims)
        return httpx.AsyncClient(base_url=self.urls[service], headers={"Authorization": f"Bearer {token}"},
                                 timeout=30)

    async def link_sent_to(self, email: str, after: int = 0) -> str:
        """The sign-in link in the newest email to `email` numbered above `after` (the sink's message ids)."""
        message = await self.sink.wait_for(
            lambda m: addressed_to(m, email) and m["id"] > after and SIGN_IN_LINK.search(m["text"] or ""),
            timeout=30)
        return SIGN_IN_LINK.search(message["text"]).group(0)

    def last_message_id(self) -> int:
        return max((m["id"] for m in self.sink.messages()), default=0)


# Package-scoped (tests/__init__.py makes the web's tests a package): the platform stops once the web's tests are
# done. Kept for the session, its notifications would mail what later tests' platforms do too (the topics are
# shared), doubling the emails they count.
@pytest.fixture(scope="package")
async def platform(kafka_access, postgres_server, smtp_sink):
    run = uuid4().hex[:8]
    # Their ports are chosen first: the readers of restricted topics ask profiles for people's data keys, and
    # notifications' emails link to its own endpoints and the web app's pages.
    ports = {name: free_port() for name in ("profiles", "notifications", "web")}
    special: dict[str, dict] = {
        "notifications": {"smtp_host": "127.0.0.1", "smtp_port": smtp_sink.smtp_port, "dispatch_poll_seconds": 0.1,
                          "mail_from": MAIL_FROM, "public_base_url": f"http://127.0.0.1:{ports['notifications']}",
                          "web_base_url": f"http://127.0.0.1:{ports['web']}"},
    }
    for name, wiring in data_key_settings(f"http://127.0.0.1:{ports['profiles']}", READER_KEYS).items():
        special.setdefault(name, {}).update(wiring)
    databases = {name: postgres_server.create_database(f"web_tests_{name}_{run}") for name in service_names()}

    def settings(name: str) -> ServiceSettings:
        # Its own settings class, with a fresh key for each secret of its own (as tests/e2e does).
        kind = settings_class(name) or ServiceSettings
        extra = special.get(name, {})
        own_secrets = {field: new_secret_key() for field in kind.secret_fields()
                       if field != "jwt_public_key" and field not in extra}
        return kind(service_name=name, consumer_group_name=f"{name}_web_tests_{run}", database_url=databases[name],
                    **kafka_access.settings(name), jwt_public_key=KEYS.public_pem, **own_secrets, **extra)

    # The web app last, pointed at the others once they listen.
    names = sorted(service_names(), key=lambda name: name == "web")
    async with contextlib.AsyncExitStack() as stack:
        apps, urls = {}, {}
        for name in names:
            port = ports.get(name)
            if name == "web":
                special["web"] = {
                    **{f"{s}_url": urls[s] for s in ("profiles", "matching", "events", "notifications")},
                    "public_base_url": f"http://127.0.0.1:{port}", "smtp_host": "127.0.0.1", "mail_from": MAIL_FROM,
                    "smtp_port": smtp_sink.smtp_port, "jwt_private_key": KEYS.private_pem,
                    # Every test signs in from 127.0.0.1: the per-client limit is the unit tests' to check. The
                    # world's mentor signs in in many tests within the hour: links per address are limited higher.
                    "sign_in_limit_per_client": 10_000, "sign_in_limit_per_address": LINKS_PER_ADDRESS}
            apps[name] = importlib.import_module(f"{name}.bootstrap").build_app(settings(name))
            urls[name] = await stack.enter_async_context(serving(apps[name], port))
        options = kafka_access.client_options(TESTS)
        await caught_up(apps, options)
        platform = Platform(urls, smtp_sink, options, databases)
        platform.world = await _world(platform, run)
        yield platform


async def _world(platform: Platform, run: str) -> dict[str, Any]:
    """A chapter, a national program where both sides accept, a resident mentor in it, and a virtual session."""
    async with platform.client("profiles") as profiles:
        chapter = (await profiles.post("/v1/chapters", json={"name": f"Chicago {run}",
                                                              "timezone": "America/Chicago"})).json()
        program = (await profiles.post("/v1/programs", json={
            "name": f"Into Medical School {run}", "mentee_stages": ["undergraduate", "post_baccalaureate"],
            "mentor_stages": ["medical_student_3", "resident", "attending"], "pairing_mode": "on_registration",
            "both_must_accept": True, "cadence_min_days": 30, "cadence_max_days": 60})).json()
        mentor_email = f"ana.{run}@example.org"
        mentor = (await profiles.post("/v1/people", json={
            "display_name": "Dr. Ana Reyes", "email": mentor_email, "stage": "resident", "pronouns": "she/her",
            "specialties": ["emergency_medicine"], "support_areas": ["applications_and_interviews"],
            "languages": ["en", "es"], "timezone": "America/Chicago", "bio": "Emergency medicine resident."})).json()
        enrolled = await profiles.post("/v1/enrollments", json={
            "person_id": mentor["id"], "program_id": program["id"], "role": "mentor", "capacity": 10})
        assert enrolled.status_code == 201, enrolled.text
    async with platform.client("events") as events:
        starts = datetime.now(UTC) + timedelta(days=10)
        session = (await events.post("/v1/events", json={
            "kind": "virtual_session", "title": f"Applying to medical school {run}", "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(), "capacity": 50, "timezone": "America/Chicago",
            "registration_deadline": (starts - timedelta(days=1)).isoformat(), "is_virtual": True,
            "audience_stages": ["high_school", "undergraduate"],
            "virtual_link": f"https://meet.example.org/{run}"})).json()
        published = await events.post(f"/v1/events/{session['id']}/publish")
        assert published.status_code == 200, published.text
    return {"chapter": chapter, "program": program, "mentor": mentor, "mentor_email": mentor_email,
            "event": session, "run": run}


@pytest.fixture(scope="package")
async def browser() -> Browser:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def context(browser: Browser, platform: Platform) -> BrowserContext:
    """A fresh browser (no cookies), phone-sized, speaking English."""
    opened = await browser.new_context(base_url=platform.web, viewport=PHONE, locale="en-US")
    opened.set_default_timeout(15_000)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


async def sign_in(page: Page, platform: Platform, email: str) -> None:
    """Ask for a link on the sign-in page, open it from the email, and press the button."""
    before = platform.last_message_id()
    await page.goto("/sign-in")
    await page.locator("#email").fill(email)  # by id: the helper serves pages in either language
    await page.locator("form[action='/sign-in'] button").click()
    await page.locator("h1").wait_for()
    await page.goto(await platform.link_sent_to(email, after=before))
    await page.locator("form[action^='/sign-in/'] button").click()
    await page.wait_for_url(re.compile(r"/(sign-up)?(\?.*)?$"))


async def join_as(page: Page, role: str) -> None:
    """On the enrolment page, join as `role`: chosen where the page asks (some program open to the person takes
    their stage on either side, which other tests' programs on the shared platform decide), else seen said."""
    choice = page.locator(f"input[name=role][value={role}]")
    if await choice.get_attribute("type") == "radio":
        await choice.check()
    else:
        await page.get_by_text(f"You join as a {role}:").wait_for()


async def audit(page: Page) -> list[str]:
    """The WCAG 2.2 AA violations axe-core finds on the page, one line each (empty when none)."""
    results = await Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA},
                                             "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]]


# A form as a person who left it empty would send it: unfolded, its text, dates and numbers cleared, and not stopped
# by the browser's own checks (the server's answer is what is audited).
_EMPTIED = """form => {
    form.noValidate = true;
    for (let folded = form.closest("details"); folded; folded = folded.parentElement.closest("details")) {
        folded.open = true;
    }
    for (const field of form.querySelectorAll("input, textarea")) {
        if (["text", "email", "number", "date", "time", "datetime-local", "url", "search", "textarea"]
                .includes(field.type)) field.value = "";
    }
    return form.getAttribute("action") || location.pathname;
}"""


@dataclass
class FormsSentEmpty:
    """What each form answered when sent empty (`page -> action`: status), and the axe violations of those answers
    that showed errors."""

    answered: dict[str, int] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)


async def audit_forms_sent_empty(page: Page, paths: list[str], shots: str | None = None,
                                 prefix: str = "") -> FormsSentEmpty:
    """Send, empty, each form for typing in on these pages (reloading the page before each), and audit each answer
    that shows what is wrong: pages that answer a POST, which no visit reaches."""
    seen = FormsSentEmpty()
    for path in paths:
        await page.goto(path)
        typed_in = page.locator("form[method=post]:has(input[type=text], input[type=email], input[type=date], "
                                "textarea)")
        for index in range(await typed_in.count()):
            await page.goto(path)
            form = typed_in.nth(index)
            action = await form.evaluate(_EMPTIED)
            # A POST answered by a new page, or by HTMX swapping part of this one: either way, the page then.
            async with page.expect_response(lambda r: r.request.method == "POST") as answer:
                await form.locator("button[type=submit], button:not([type])").first.click()
            status = (await answer.value).status
            await page.wait_for_load_state()
            seen.answered[f"{path} -> {action}"] = status
            if status == 200 and await page.locator("[data-error-summary], .field-error").count() == 0:
                continue  # a form with nothing required (a search, say): its answer is a visited page
            found = await audit(page)
            if found:
                seen.problems[f"{path} -> {action}"] = found
            if shots:
                name = action.strip("/").replace("/", "_")[:60]
                await page.screenshot(path=f"{shots}/{prefix}empty-{name}.png", full_page=True)
    return seen
