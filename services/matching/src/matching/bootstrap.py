"""Composition root of matching: every adapter and collaborator is built and wired here."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from plumbing import audit, person_keys
from plumbing.http import create_app
from plumbing.runtime import Service
from plumbing.settings import ServiceSettings

from .adapters.identity_hashing import KEY_SETTING, IdentityHasher
from .adapters.solver import compile_ahead, optimal_assignment
from .config import MatchingSettings
from .entrypoints import consumers, http, jobs
from .service_layer.rosters import RosterCache
from .service_layer.unit_of_work import MatchingUnitOfWork

MIGRATIONS = Path(__file__).parent / "migrations"


def build_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = MatchingSettings.of(settings)
    service = Service(settings, migrations=MIGRATIONS)
    key = settings.identity_key.get_secret_value() if settings.identity_key else None
    identity_hasher = IdentityHasher(key) if key else _NoKey()
    # One roster cache per instance, shared by all its units of work.
    new_unit_of_work = service.units_of_work(MatchingUnitOfWork, rosters=RosterCache(),
                                             identity_hasher=identity_hasher,
                                             answer_within_days=settings.answer_within_days)
    service.consume(consumers.HANDLERS, new_unit_of_work, person_keys=person_keys.of_settings(settings),
                    prepare=consumers.PREPARE)
    service.run_in_background(jobs.run_rounds(new_unit_of_work, optimal_assignment, settings, compile_ahead),
                              jobs.watch_mentorships(new_unit_of_work, settings),
                              jobs.hash_identities_stored_in_plaintext(new_unit_of_work, settings))
    app = create_app(service, [http.router, audit.router()], title="Mentorship platform: matching")
    app.state.new_unit_of_work = new_unit_of_work
    app.state.renewal_notice_days = settings.renewal_notice_days  # when a pair may ask to renew (and is told)
    app.state.answer_within_days = settings.answer_within_days  # until when a proposal may be answered
    if key is None:
        _refuse_to_start(app, f"matching needs {KEY_SETTING} (the key identity values are kept hashed under), "
                              "and has no default: set it")
    return app


def build_service(settings: ServiceSettings | None = None) -> Service:
    """The service as `build_app` wires it, without serving it (its AsyncAPI document)."""
    return build_app(settings).state.service


class _NoKey:
    """In place of the identity hasher when the key is missing: such an app is built (for its documents) but
    never starts, so nothing is ever hashed without the key."""

    def digests(self, identity: Mapping[str, str]) -> dict[str, str]:
        raise RuntimeError(f"{KEY_SETTING} is not set")


def _refuse_to_start(app: FastAPI, reason: str) -> None:
    """The app starts nothing: its lifespan fails first, naming what is missing."""

    @asynccontextmanager
    async def refuse(_: FastAPI) -> AsyncIterator[None]:
        raise RuntimeError(reason)
        yield  # unreachable: a generator, as a lifespan must be

    app.router.lifespan_context = refuse
