"""Composition root of profiles: every adapter is built here and handed to what uses it."""

from pathlib import Path

from fastapi import FastAPI
from plumbing import audit
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .adapters.person_keys import KeyWrapper
from .adapters.sealing import IdentitySealer
from .config import ProfilesSettings
from .entrypoints import console, consumers, data_keys, http, jobs
from .service_layer.unit_of_work import ProfilesUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = ProfilesSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    new_unit_of_work = service.units_of_work(ProfilesUnitOfWork, sealer=IdentitySealer(settings.secret("identity_key")),
                                             key_wrapper=KeyWrapper(settings.secret("identity_key")))
    service.consume(consumers.HANDLERS, new_unit_of_work)
    service.run_in_background(jobs.forget_expired_email_changes(new_unit_of_work))
    service.run_in_background(jobs.remind_staff_of_waiting_mentors(new_unit_of_work))
    service.run_in_background(jobs.resume_pauses_ended(new_unit_of_work))
    # The console's routes first: `/people/names` and `/people/lookup` before `/people/{person_id}`.
    app = create_app(service, [console.router, http.router, data_keys.router, audit.router()],
                     title="Mentorship platform: profiles")
    app.state.new_unit_of_work = new_unit_of_work
    return app


def build_service(settings: ServiceSettings | None = None) -> Service:
    """The service as `build_app` wires it, without serving it (its AsyncAPI document)."""
    return build_app(settings).state.service
