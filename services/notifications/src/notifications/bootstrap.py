"""Composition root of notifications: every adapter is built here and handed to what uses it."""

from email.utils import parseaddr
from pathlib import Path

from fastapi import FastAPI
from plumbing import audit, person_keys
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .adapters.email import DkimSigner, Renderer, SmtpMailer
from .adapters.links import Links
from .adapters.messages import inbox_composer
from .adapters.unsubscribe import UnsubscribeTokens
from .config import NotificationsSettings
from .entrypoints import consumers, http, jobs
from .service_layer.unit_of_work import NotificationsUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = NotificationsSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(NotificationsUnitOfWork)
    service.consume(consumers.HANDLERS, new_unit_of_work, person_keys=person_keys.of_settings(settings))
    tokens = UnsubscribeTokens(settings.secret("link_signing_key"), settings.previous_link_signing_keys())
    links = Links(settings.web_base_url, contact_email=settings.concerns_email)
    render = Renderer(links, tokens, settings.mail_from)
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from, settings.smtp_timeout_seconds,
                        sign=_dkim_signer(settings), credentials=settings.smtp_credentials())
    figures = jobs.EmailFigures(service.metrics.registry)
    service.run_in_background(jobs.run_dispatcher(new_unit_of_work, render, mailer, settings, figures),
                              jobs.run_housekeeping(new_unit_of_work, settings),
                              jobs.watch_waiting_emails(new_unit_of_work, figures, settings.unsent_watch_seconds))
    app = create_app(service, [http.router, audit.router()], title="Mentorship platform: notifications")
    app.state.new_unit_of_work = new_unit_of_work
    app.state.unsubscribe_tokens = tokens
    app.state.links = links
    app.state.inbox_composer = inbox_composer(links)
    app.state.dispatch_policy = settings.dispatch_policy()
    return app


def _dkim_signer(settings: NotificationsSettings) -> DkimSigner | None:
    """The signer of the key given, if any. A key that cannot be read or cannot sign raises ValueError naming the
    variable that gave it (never the key): the service does not start, in one line (`plumbing.serve`)."""
    variable = "DKIM_PRIVATE_KEY" if settings.dkim_private_key else "DKIM_PRIVATE_KEY_FILE"
    try:
        key = settings.dkim_key()
    except OSError as error:  # only the file is read
        raise ValueError(f"{variable}: cannot read {settings.dkim_private_key_file}: "
                         f"{error.strerror or type(error).__name__}") from None
    if key is None:
        return None
    domain = settings.dkim_domain or parseaddr(settings.mail_from)[1].rpartition("@")[2]
    try:
        return DkimSigner(key, settings.dkim_selector, domain)
    except ValueError as error:
        raise ValueError(f"{variable}: {error}") from None


def build_service(settings: ServiceSettings | None = None) -> Service:
    """The service as `build_app` wires it, without serving it (its AsyncAPI document)."""
    return build_app(settings).state.service
