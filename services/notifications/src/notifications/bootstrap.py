"""Composition root of notifications: every adapter is built here and handed to what uses it."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .adapters.email import Renderer, SmtpMailer
from .adapters.unsubscribe import UnsubscribeTokens
from .config import NotificationsSettings
from .entrypoints import consumers, http, jobs
from .service_layer.unit_of_work import NotificationsUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = NotificationsSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(NotificationsUnitOfWork)
    service.consume(consumers.HANDLERS, new_unit_of_work)
    tokens = UnsubscribeTokens(settings.jwt_secret)
    render = Renderer(settings.public_base_url, tokens)
    mailer = SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from, settings.smtp_timeout_seconds)
    service.run_in_background(jobs.run_dispatcher(new_unit_of_work, render, mailer, settings),
                              jobs.run_housekeeping(new_unit_of_work, settings))
    app = create_app(service, [http.router], title="Mentorship platform: notifications")
    app.state.new_unit_of_work = new_unit_of_work
    app.state.unsubscribe_tokens = tokens
    return app


def build_service(settings: ServiceSettings | None = None) -> Service:
    """The service as `build_app` wires it, without serving it (its AsyncAPI document)."""
    return build_app(settings).state.service
