"""Composition root of matching."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .config import MatchingSettings
from .domain.model import MatchingError
from .entrypoints import consumers, http, jobs

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: ServiceSettings | None = None) -> Service:
    return Service(
        MatchingSettings.of(settings), migrations=MIGRATIONS, handlers=consumers.HANDLERS,
        background=[jobs.run_rounds, jobs.watch_mentorships],
    )


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_app(build_service(settings), [http.router], title="Mentorship platform: matching",
                      error_mappers={MatchingError: http.as_api_error})
