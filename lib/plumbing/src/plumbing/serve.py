"""Run a service's HTTP app with uvicorn, configured from the environment."""

import gc
import sys
from collections.abc import Callable
from typing import Any

import uvicorn
from fastapi import FastAPI

from . import diagnostics, logs
from .settings import ServiceSettings, configuration_checked


def serve(build_app: Callable[[], FastAPI]) -> None:
    # A configuration it cannot run with stops it here: a line per problem, naming the variable, and status 2.
    with configuration_checked(build_app.__module__.partition(".")[0]):
        app = build_app()
    settings = app.state.service.settings
    logs.configure(settings.service_name, settings.log_level)
    diagnostics.log_tasks_on_signal()  # kill -USR1 <pid>: where each asyncio task waits
    # What importing and building made (some 120,000 objects) lives as long as the process. Out of the
    # collector's sight, full collections no longer scan it all: each paused the event loop for 85-170 ms.
    gc.freeze()
    try:
        uvicorn.run(app, **uvicorn_options(settings))
    except SystemExit:
        # A database that refuses the settings is a configuration it cannot run with, as above (uvicorn says 3).
        if refused := app.state.service.refused:
            print(f"{settings.service_name}: {refused}", file=sys.stderr)
            raise SystemExit(2) from None
        raise


def uvicorn_options(settings: ServiceSettings) -> dict[str, Any]:
    """How uvicorn serves the app: where it listens, and whose X-Forwarded-For it believes (FORWARDED_ALLOW_IPS)."""
    return {"host": settings.http_host, "port": settings.http_port, "forwarded_allow_ips": settings.forwarded_allow_ips,
            "log_config": None, "access_log": False}
