"""Composition root of the events service."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .domain.model import EventsError
from .entrypoints import consumers, http

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: ServiceSettings | None = None) -> Service:
    return Service(settings or ServiceSettings.for_service("events"), migrations=MIGRATIONS, handlers=consumers.HANDLERS)


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_app(
        build_service(settings), [http.router], title="Mentorship platform: events",
        error_mappers={EventsError: http.as_api_error},
    )
