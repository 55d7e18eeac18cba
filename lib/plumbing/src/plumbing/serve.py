"""Run a service's HTTP app with uvicorn, configured from the environment."""

import gc
from collections.abc import Callable

import uvicorn
from fastapi import FastAPI

from . import diagnostics, logs


def serve(build_app: Callable[[], FastAPI]) -> None:
    app = build_app()
    settings = app.state.service.settings
    logs.configure(settings.service_name, settings.log_level)
    diagnostics.log_tasks_on_signal()  # kill -USR1 <pid>: where each asyncio task waits
    # What importing and building made (some 120,000 objects) lives as long as the process. Out of the
    # collector's sight, full collections no longer scan it all: each paused the event loop for 85-170 ms.
    gc.freeze()
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)
