"""Composition root of the events service."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .config import EventsSettings
from .domain.model import EventsError
from .entrypoints import consumers, http, jobs
from .service_layer.registration_desk import RegistrationDesk
from .service_layer.unit_of_work import EventsUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: ServiceSettings | None = None) -> Service:
    # Callers holding the common settings (the end-to-end tests, tools) get the events defaults for the rest.
    settings = EventsSettings(**(settings or EventsSettings.for_service("events")).model_dump())
    return Service(settings, migrations=MIGRATIONS, handlers=consumers.HANDLERS, background=[jobs.send_reminders])


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    service = build_service(settings)
    app = create_app(
        service, [http.router], title="Mentorship platform: events", error_mappers={EventsError: http.as_api_error},
    )
    app.state.registration_desk = RegistrationDesk(lambda: EventsUnitOfWork(service.pool))
    return app
