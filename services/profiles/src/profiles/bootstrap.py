"""Composition root of profiles: settings → service runtime → HTTP app."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .adapters.sealing import IdentitySealer
from .config import ProfilesSettings
from .entrypoints import http
from .service_layer.unit_of_work import ProfilesUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: ServiceSettings | None = None) -> Service:
    return Service(ProfilesSettings.of(settings), migrations=MIGRATIONS)


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    service = build_service(settings)
    sealer = IdentitySealer(service.settings.identity_key)
    app = create_app(service, [http.router], title="Mentorship platform: profiles")
    app.state.new_unit_of_work = lambda: ProfilesUnitOfWork(service.pool, sealer)
    return app
