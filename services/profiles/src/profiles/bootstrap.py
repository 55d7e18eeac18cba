"""Composition root of profiles: settings → service runtime and its units of work → HTTP app."""

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .adapters.sealing import IdentitySealer
from .config import ProfilesSettings
from .entrypoints import consumers, http, jobs
from .service_layer.unit_of_work import ProfilesUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: ServiceSettings | None = None) -> tuple[Service, Callable[..., ProfilesUnitOfWork]]:
    """The service, and the maker of its units of work (each sealing identity attributes with the service's key)."""
    settings = ProfilesSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(ProfilesUnitOfWork, sealer=IdentitySealer(settings.identity_key))
    service.consume(consumers.HANDLERS, new_unit_of_work)
    service.run_in_background(jobs.forget_expired_email_changes(new_unit_of_work))
    return service, new_unit_of_work


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    service, new_unit_of_work = build_service(settings)
    app = create_app(service, [http.router], title="Mentorship platform: profiles")
    app.state.new_unit_of_work = new_unit_of_work
    return app
