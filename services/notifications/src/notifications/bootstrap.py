"""Composition root of notifications."""

from pathlib import Path

from fastapi import FastAPI
from plumbing.http import create_app
from plumbing.runtime import Service

from .config import NotificationsSettings
from .entrypoints import consumers, dispatcher

MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(settings: NotificationsSettings | None = None) -> Service:
    return Service(
        settings or NotificationsSettings.for_service("notifications"),
        migrations=MIGRATIONS,
        handlers=consumers.HANDLERS,
        background=[dispatcher.run_dispatcher],
    )


def build_app(settings: NotificationsSettings | None = None) -> FastAPI:
    return create_app(build_service(settings), [], title="Mentorship platform: notifications")
