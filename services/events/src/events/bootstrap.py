"""Composition root of events: every adapter is built here and handed to what uses it."""

from pathlib import Path

from fastapi import FastAPI
from plumbing import audit, person_keys
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .config import EventsSettings
from .entrypoints import consumers, http, jobs
from .service_layer.registration_desk import RegistrationDesk
from .service_layer.unit_of_work import EventsUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = EventsSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(EventsUnitOfWork, person_keys=person_keys.of_settings(settings))
    service.consume(consumers.HANDLERS, new_unit_of_work)
    service.run_in_background(jobs.send_reminders(new_unit_of_work, settings))
    app = create_app(service, [http.router, audit.router()], title="Mentorship platform: events",
                     credential_paths=("/v1/calendar/feeds/",))  # a feed's path is its credential
    app.state.new_unit_of_work = new_unit_of_work
    app.state.registration_desk = RegistrationDesk(new_unit_of_work)
    return app


def build_service(settings: ServiceSettings | None = None) -> Service:
    """The service as `build_app` wires it, without serving it (its AsyncAPI document)."""
    return build_app(settings).state.service
