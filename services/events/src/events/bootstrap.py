"""Composition root of the events service."""

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .config import EventsSettings
from .entrypoints import consumers, http, jobs
from .service_layer.registration_desk import RegistrationDesk
from .service_layer.unit_of_work import EventsUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def _wire(settings: ServiceSettings | None) -> tuple[Service, Callable[[], EventsUnitOfWork]]:
    settings = EventsSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(EventsUnitOfWork)
    service.consume(consumers.HANDLERS, new_unit_of_work)
    service.run_in_background(jobs.send_reminders(new_unit_of_work, settings))
    return service, new_unit_of_work


def build_service(settings: ServiceSettings | None = None) -> Service:
    return _wire(settings)[0]


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    service, new_unit_of_work = _wire(settings)
    app = create_app(service, [http.router], title="Mentorship platform: events")
    app.state.new_unit_of_work = new_unit_of_work
    app.state.registration_desk = RegistrationDesk(new_unit_of_work)
    return app
