"""Composition root of profiles: settings → service runtime → HTTP app."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .domain.model import ProfilesError
from .entrypoints import http

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: ServiceSettings | None = None) -> Service:
    return Service(settings or ServiceSettings.for_service("profiles"), migrations=MIGRATIONS)


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_app(
        build_service(settings),
        [http.router],
        title="Mentorship platform: profiles",
        error_mappers={ProfilesError: http.as_api_error},
    )
