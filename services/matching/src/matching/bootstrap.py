"""Composition root of matching: every adapter and collaborator is built and wired here."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .adapters.solver import optimal_assignment
from .config import MatchingSettings
from .entrypoints import consumers, http, jobs
from .service_layer.rosters import RosterCache
from .service_layer.unit_of_work import MatchingUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = MatchingSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    # One roster cache per instance, shared by all its units of work.
    new_unit_of_work = service.units_of_work(MatchingUnitOfWork, rosters=RosterCache())
    service.consume(consumers.HANDLERS, new_unit_of_work)
    service.run_in_background(jobs.run_rounds(new_unit_of_work, optimal_assignment, settings),
                              jobs.watch_mentorships(new_unit_of_work, settings))
    app = create_app(service, [http.router], title="Mentorship platform: matching")
    app.state.new_unit_of_work = new_unit_of_work
    return app


def build_service(settings: ServiceSettings | None = None) -> Service:
    """The service as `build_app` wires it, without serving it (its AsyncAPI document)."""
    return build_app(settings).state.service
