"""Composition root of notifications."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import ApiError, create_app
from plumbing.runtime import Service

from .config import NotificationsSettings
from .domain.model import CannotOptOut
from .entrypoints import consumers, dispatcher, http

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: NotificationsSettings | None = None) -> Service:
    return Service(
        settings or NotificationsSettings.for_service("notifications"),
        migrations=MIGRATIONS,
        handlers=consumers.HANDLERS,
        background=[dispatcher.run_dispatcher, dispatcher.run_housekeeping],
    )


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    return create_app(
        build_service(settings), [http.router], title="Mentorship platform: notifications",
        error_mappers={CannotOptOut: lambda e: ApiError(422, "cannot_opt_out", str(e), e.field)},
    )
